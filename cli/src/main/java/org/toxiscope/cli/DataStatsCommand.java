package org.toxiscope.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.toxiscope.datasets.RecordProgress;
import org.toxiscope.datasets.Corpus;
import org.toxiscope.datasets.CorpusStats;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.datasets.StatsReport;
import org.toxiscope.datasets.TextRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code toxiscope data stats}: records per language x label, text lengths, duplicates and rejects of a corpus. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Counts records per language and label, text length percentiles (code points), duplicate texts "
                + "(normalised) and rejected records. Progress goes to stderr, the report to stdout.",
        footer = {"", "Example:",
            "  toxiscope data stats --input data/ --json",
            "  toxiscope data stats --input 'data/*/train.jsonl.gz' \\",
            "      --on-error skip --rejects rejects.jsonl --json",
            "  toxiscope data stats --input train.csv.gz --lang en \\",
            "      --text-column comment_text --label-column toxic --label-column insult"})
final class DataStatsCommand implements Callable<Integer> {

    @Mixin
    CorpusInputOptions input;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the report as JSON for scripts.")
    boolean json;

    @Override
    public Integer call() {
        Corpus corpus = input.corpus();
        CorpusStats stats = new CorpusStats();
        StatsReport report;
        try (RecordStream records = corpus.read()) {
            RecordProgress progress = new RecordProgress("data stats", spec.commandLine().getErr(), records::progress);
            for (TextRecord r : records) {
                stats.add(r);
                progress.step();
            }
            report = stats.report(records.rejected(), corpus.files().size());
            progress.done(records.skippedNote());
        }
        if (report.rejected() > 0) {
            PrintWriter err = spec.commandLine().getErr();
            err.printf("data stats: %,d rejected records written to %s%n", report.rejected(),
                    input.dataset.rejectsFile());
            err.flush();
        }
        spec.commandLine().getOut().println(json ? report.toJson() : report.toText());
        return 0;
    }
}
