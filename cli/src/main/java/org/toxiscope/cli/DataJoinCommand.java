package org.toxiscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.toxiscope.datasets.CorpusJoin;
import org.toxiscope.datasets.OutputPolicy;
import org.toxiscope.datasets.RecordProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code toxiscope data join}: two tables joined on an id column, such as Jigsaw's test.csv and test_labels.csv. */
@Command(name = "join", mixinStandardHelpOptions = true,
        description = {"Writes the rows of LEFT and RIGHT that share an id (an inner join), with LEFT's columns and "
                + "then RIGHT's but its id column; a RIGHT column whose name LEFT has too is prefixed with "
                + CorpusJoin.CLASH_PREFIX + ". Any format and compression data reads, in and out (the output's by "
                + "its name); a Parquet output keeps a Parquet input's column types, other columns get the type "
                + "their values read as. The smaller file is indexed by id in memory, the larger one streamed, and rows come "
                + "out in the larger file's order. Ids must be unique: a repeated id is refused naming the file, "
                + "line and id. Progress and a summary (rows joined, ids only in one file) go to stderr, the counts "
                + "as JSON to stdout.",
            "The output is written to OUT.partial and renamed when complete; --resume continues an interrupted "
                + "run (same inputs), --overwrite starts over, and without either an existing partial output is "
                + "refused."},
        footer = {"", "Example:",
            "  toxiscope data join --on id test.csv test_labels.csv --output joined.csv",
            "  toxiscope data stats --input joined.csv --label-column toxic,insult",
            "      (rows whose label is -1, not scored, are skipped and counted)"})
final class DataJoinCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "LEFT", description = "The left file (its columns come first).")
    String left;

    @Parameters(index = "1", paramLabel = "RIGHT", description = "The right file.")
    String right;

    @Option(names = "--on", required = true, paramLabel = "COL",
            description = "The id column of both files, or a dotted path into nested JSON such as meta.id.")
    String on;

    @Option(names = "--output", required = true, paramLabel = "OUT", description = "The joined file.")
    Path output;

    @Option(names = "--index-memory", paramLabel = "MIB",
            description = "Java heap the index of the smaller file may take, in MiB (default: half the heap).")
    Long indexMemory;

    @Option(names = "--resume", description = "Continue the partial output an interrupted run left (OUT.partial); "
            + "the file ends byte-identical to an uninterrupted run.")
    boolean resume;

    @Option(names = "--overwrite", description = "Delete the partial output an interrupted run left and start over.")
    boolean overwrite;

    @Override
    public Integer call() throws IOException {
        OutputPolicy policy = OutputPolicy.of(resume, overwrite, Map.of()); // the join adds its inputs' state
        long budget = indexMemory != null ? indexMemory << 20 : Runtime.getRuntime().maxMemory() / 2;
        if (budget <= 0) {
            throw new IllegalArgumentException("--index-memory must be > 0, not " + indexMemory);
        }
        PrintWriter err = spec.commandLine().getErr();
        double[] fraction = {0};
        RecordProgress progress = new RecordProgress("data join", err, () -> fraction[0]);
        CorpusJoin.Result result;
        try (ResumeHint hint = ResumeHint.install(spec)) {
            result = CorpusJoin.join(left, right, on, output, policy, budget, hint::add, f -> {
                fraction[0] = f;
                progress.step();
            });
        }
        progress.done("; " + result.summary());
        if (result.resumed() > 0) {
            err.printf("data join: resuming kept %,d rows an earlier run wrote%n", result.resumed());
        }
        err.flush();
        spec.commandLine().getOut().println(result.toJson());
        return 0;
    }
}
