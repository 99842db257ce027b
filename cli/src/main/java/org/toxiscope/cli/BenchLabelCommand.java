package org.toxiscope.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.classify.ClassifierTrainer;
import org.toxiscope.classify.ExtractionProvenance;
import org.toxiscope.classify.FeatureTable;
import org.toxiscope.classify.Method;
import org.toxiscope.classify.Prediction;
import org.toxiscope.classify.TrainConfig;
import org.toxiscope.datasets.ColumnMapping;
import org.toxiscope.datasets.Corpus;
import org.toxiscope.datasets.CorpusWriter;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.datasets.TextRecord;
import org.toxiscope.features.SparseVector;
import org.toxiscope.features.extract.SessionSpec;
import org.toxiscope.features.extract.FeatureExtractor;
import org.toxiscope.features.extract.TextFeatures;
import org.toxiscope.features.model.DecodeState;
import org.toxiscope.features.model.ForwardOptions;
import org.toxiscope.features.model.LanguageModel;
import org.toxiscope.features.model.ModelConfig;
import org.toxiscope.features.model.Qwen3Model;
import org.toxiscope.features.model.RandomWeights;
import org.toxiscope.features.sae.TopKSae;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code toxiscope label}'s throughput on random Qwen3-0.6B weights, split into model, SAE, classifier and I/O time. */
@Command(name = "label", mixinStandardHelpOptions = true,
        description = "Texts/s of labelling (read JSONL -> model to --layer -> random top-k SAE -> logistic regression "
                + "-> write CSV) on random Qwen3-0.6B weights, with the time of each stage.",
        footer = {"", "Example:", "  toxiscope bench label --texts 64 --tokens 48"})
final class BenchLabelCommand implements Callable<Integer> {

    private static final ModelConfig QWEN3_0_6B = BenchFeaturesCommand.QWEN3_0_6B;

    @Option(names = "--texts", defaultValue = "64", description = "Texts labelled (default ${DEFAULT-VALUE}).")
    int texts;

    @Option(names = "--tokens", defaultValue = "48", description = "Tokens per text (default ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--layer", defaultValue = "13", description = "SAE layer (default ${DEFAULT-VALUE}).")
    int layer;

    @Option(names = "--width-factor", defaultValue = "16", description = "SAE width / hidden (default ${DEFAULT-VALUE}).")
    int widthFactor;

    @Option(names = "--k", defaultValue = "50", description = "SAE top-k (default ${DEFAULT-VALUE}).")
    int k;

    @Override
    public Integer call() throws Exception {
        int[][] ids = BenchForwardCommand.randomTokens(texts, tokens, QWEN3_0_6B.vocabSize());
        Path dir = Files.createTempDirectory("toxiscope-bench-label");
        Path input = dir.resolve("in.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < texts; i++) {
            lines.add("{\"id\":\"t" + i + "\",\"text\":\"text number " + i + "\",\"toxic\":" + (i % 2) + "}");
        }
        Files.write(input, lines);
        System.out.printf("model: random Qwen3-0.6B shape up to block %d; SAE: random %d x %d, k %d; %d texts x %d "
                + "tokens%n", layer, QWEN3_0_6B.hiddenSize(), widthFactor * QWEN3_0_6B.hiddenSize(), k, texts, tokens);
        try (LanguageModel model = Qwen3Model.load(QWEN3_0_6B, new RandomWeights(QWEN3_0_6B), ai.djl.Device.cpu(),
                layer);
             NDManager manager = NDManager.newBaseManager()) {
            TopKSae sae = TopKSae.random(QWEN3_0_6B.hiddenSize(), widthFactor * QWEN3_0_6B.hiddenSize(), k, layer, manager);
            FeatureExtractor extractor = new FeatureExtractor(model, null, Map.of(layer, sae),
                    SessionSpec.of("random", "random", List.of(layer)), false);
            boolean[] cut = new boolean[texts];
            extractor.extractTokens(manager, ids, cut); // warm-up

            long t0 = System.nanoTime();
            List<TextRecord> records;
            try (RecordStream s = Corpus.of(input, ColumnMapping.defaults()).read()) {
                records = s.stream().toList();
            }
            long read = System.nanoTime() - t0;

            long[] modelAndSae = timeModelAndSae(model, sae, manager, ids);
            long modelTime = modelAndSae[0];
            long saeTime = modelAndSae[1];
            TextFeatures[] features = extractor.extractTokens(manager, ids, cut);

            int[] layers = {layer};
            FeatureTable.Builder builder = FeatureTable.builder(layers, List.of("toxic"));
            for (int i = 0; i < texts; i++) {
                builder.add(records.get(i), new SparseVector[] {features[i].pooled().get(layer)});
            }
            FeatureTable table = builder.build();
            ClassifierBundle bundle = ClassifierTrainer.train(table, TrainConfig.defaults(Method.LOGREG),
                    new ExtractionProvenance("random", "-", "random", Map.of(), k, false, "max", 0, SessionSpec.F32), "-", "bench").bundle();
            t0 = System.nanoTime();
            List<Prediction> predictions = new ArrayList<>(texts);
            for (int i = 0; i < texts; i++) {
                predictions.add(bundle.predict(FeatureTable.single(layers, records.get(i).id(), null,
                        features[i].pooled().get(layer)), 0));
            }
            long classify = System.nanoTime() - t0;

            t0 = System.nanoTime();
            Path output = dir.resolve("out.csv");
            List<String> appended = List.of("toxic_score", "toxic_pred", "top_features");
            try (CorpusWriter writer = CorpusWriter.create(output, CorpusWriter.columns(records.get(0), appended))) {
                for (int i = 0; i < texts; i++) {
                    Prediction p = predictions.get(i);
                    writer.write(records.get(i), Map.of(appended.get(0), String.valueOf(p.score()), appended.get(1),
                            p.toxic() ? "1" : "0", appended.get(2), p.topFeatures()));
                }
                writer.commit();
            }
            long write = System.nanoTime() - t0;

            long io = read + write;
            long total = modelTime + saeTime + classify + io;
            System.out.printf("total: %.2f s for %d texts = %.1f texts/s%n", total / 1e9, texts, texts / (total / 1e9));
            print("model (blocks 0.." + layer + ")", modelTime, total);
            print("SAE encode + pooling", saeTime, total);
            print("classifier (logreg)", classify, total);
            print("I/O (read JSONL + write CSV)", io, total);
            System.out.printf("peak RSS: %d MiB%n", MemoryStats.peakRssMiB());
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }

    /** Nanoseconds in the forward pass and in SAE encoding of its real-token residuals, batch by batch. */
    private static long[] timeModelAndSae(LanguageModel model, TopKSae sae, NDManager manager, int[][] ids) {
        int batch = SessionSpec.DEFAULT_MAX_BATCH;
        int layer = model.loadedBlocks() - 1;
        long modelTime = 0;
        long saeTime = 0;
        for (int start = 0; start < ids.length; start += batch) {
            int[][] part = java.util.Arrays.copyOfRange(ids, start, Math.min(ids.length, start + batch));
            try (NDManager step = manager.newSubManager(); DecodeState state = model.newState(step, part.length)) {
                long t0 = System.nanoTime();
                var result = model.forward(step, part, state, ForwardOptions.residuals(java.util.Set.of(layer)));
                var rows = FeatureExtractor.realTokens(result.residuals().get(layer), result.padding());
                rows.toFloatArray();
                long t1 = System.nanoTime();
                try (var codes = sae.encode(rows)) {
                    codes.toSparseRows();
                }
                long t2 = System.nanoTime();
                modelTime += t1 - t0;
                saeTime += t2 - t1;
            }
        }
        return new long[] {modelTime, saeTime};
    }

    private static void print(String stage, long nanos, long total) {
        System.out.printf("  %-32s %7.2f s  %5.1f%%%n", stage, nanos / 1e9, 100.0 * nanos / total);
    }
}
