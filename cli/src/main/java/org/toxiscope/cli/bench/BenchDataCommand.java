package org.toxiscope.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.toxiscope.datasets.ColumnMapping;
import org.toxiscope.datasets.Corpus;
import org.toxiscope.datasets.CorpusStats;
import org.toxiscope.datasets.CorpusWriter;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.datasets.StatsReport;
import org.toxiscope.datasets.TextRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code toxiscope bench data}: writes a generated multilingual JSONL.gz corpus and times {@code data stats} on it. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Generates a corpus of short random texts in 7 languages (JSON Lines, gzip) in a temporary folder, "
                + "then times reading it with full statistics (the work of 'data stats'). Prints records/s.",
        footer = {"", "Example:", "  toxiscope bench data --records 1000000"})
final class BenchDataCommand implements Callable<Integer> {

    private static final List<String> LANGS = List.of("en", "de", "es", "fr", "ru", "zh", "ar");
    private static final List<String[]> WORDS = List.of(
            "the a you are this is not what why good bad stupid idiot people think really".split(" "),
            "der die das du bist nicht was warum gut schlecht dumm Idiot Leute denke wirklich".split(" "),
            "el la tú eres esto es no qué por bueno malo tonto idiota gente pienso".split(" "),
            "le la tu es ce est pas quoi pourquoi bon mauvais idiot stupide gens pense".split(" "),
            "ты это не что почему хорошо плохо глупый идиот люди думаю правда очень".split(" "),
            "你 是 不 什么 为什么 好 坏 笨蛋 白痴 人们 觉得 真的 这个".split(" "),
            "أنت هذا ليس ماذا لماذا جيد سيء غبي أحمق الناس أعتقد حقا جدا".split(" "));

    @Option(names = "--records", defaultValue = "1000000", description = "Records to generate (default ${DEFAULT-VALUE}).")
    long records;

    @Option(names = "--keep", description = "Keep the generated file and print its path.")
    boolean keep;

    @Override
    public Integer call() throws IOException {
        Path dir = Files.createTempDirectory("toxiscope-bench-data");
        Path file = dir.resolve("bench.jsonl.gz");
        Stopwatch write = Stopwatch.start();
        generate(file);
        double writeSeconds = write.seconds();
        System.out.printf("generate: %,d records, %.1f MB gzip, %.1f s (%,.0f records/s written)%n", records,
                Files.size(file) / 1e6, writeSeconds, records / writeSeconds);

        Corpus corpus = Corpus.of(file, ColumnMapping.defaults().withId("id"));
        Stopwatch read = Stopwatch.start();
        CorpusStats stats = new CorpusStats();
        StatsReport report;
        try (RecordStream in = corpus.read()) {
            for (TextRecord r : in) {
                stats.add(r);
            }
            report = stats.report(in.rejected(), 1);
        }
        double seconds = read.seconds();
        System.out.printf("data stats: %,d records, %,d duplicates, %d languages, %.1f s: %,.0f records/s%n",
                report.records(), report.duplicates(), report.byLanguage().size(), seconds, report.records() / seconds);
        System.out.printf("threads: %d available processors, heap max %d MB%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        if (keep) {
            System.out.println("kept: " + file);
        } else {
            Files.delete(file);
            Files.delete(dir);
        }
        return 0;
    }

    private void generate(Path file) throws IOException {
        SplittableRandom random = new SplittableRandom(1);
        List<String> columns = List.of("id", "text", "lang", "toxic");
        try (CorpusWriter w = CorpusWriter.create(file, columns)) {
            StringBuilder text = new StringBuilder();
            for (long i = 0; i < records; i++) {
                int l = random.nextInt(LANGS.size());
                String[] words = WORDS.get(l);
                text.setLength(0);
                int n = 3 + random.nextInt(25);
                for (int k = 0; k < n; k++) {
                    if (k > 0 && l != 5) {
                        text.append(' ');
                    }
                    text.append(words[random.nextInt(words.length)]);
                }
                String id = Long.toString(i);
                w.write(List.of(id, text.toString(), LANGS.get(l), random.nextInt(4) == 0 ? "1" : "0"));
            }
            w.commit();
        }
    }
}
