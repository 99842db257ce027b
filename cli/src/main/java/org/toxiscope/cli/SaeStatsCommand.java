package org.toxiscope.cli;

import ai.djl.ndarray.NDManager;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.toxiscope.datasets.RecordProgress;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.features.extract.FeatureExtractor;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.extract.Pooling;
import org.toxiscope.features.extract.SessionSpec;
import org.toxiscope.features.model.DecodeState;
import org.toxiscope.features.model.ForwardOptions;
import org.toxiscope.features.model.ForwardResult;
import org.toxiscope.features.model.LanguageModel;
import org.toxiscope.features.model.QwenTokenizer;
import org.toxiscope.features.sae.ReconstructionStats;
import org.toxiscope.features.sae.SaeSpec;
import org.toxiscope.features.sae.TopKSae;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code toxiscope sae stats}: how well the SAE reconstructs the residuals of every real token of a corpus. */
@Command(name = "stats", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the model to block L over the texts, encode and decode the residual of every real token "
                + "with the SAE and print, per layer: MSE, FVU (fraction of variance unexplained), mean L0 (active "
                + "features per token), dead features (never positive), tokens and texts.",
            "With --json, one object per layer and line:",
            "  {\"layer\":L, \"sae\":..., \"texts\":N, \"tokens\":N, \"truncated\":N, \"mse\":..., \"fvu\":...,"
                + " \"mean_l0\":..., \"dead_features\":N, \"dead_fraction\":..., \"d_sae\":N, \"k\":N,"
                + " \"dtype\":\"bf16|f32\"}"},
        footer = {"", "Example:",
            "  toxiscope sae stats --model Qwen/Qwen3-1.7B-Base \\",
            "      --sae Qwen/SAE-Res-Qwen3-1.7B-Base-W32K-L0_50 --layer 14 \\",
            "      --input texts.jsonl --max-texts 2000 --json"})
final class SaeStatsCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Mixin
    SaeOptions sae;

    @Option(names = "--input", required = true, paramLabel = "FILE_OR_DIR",
            description = "Texts (any format data reads).")
    List<String> input;

    @Mixin
    DatasetOptions data;

    @Option(names = "--max-texts", paramLabel = "N", description = "Use only the first N texts (default: all).")
    Long maxTexts;

    @Option(names = "--max-tokens", defaultValue = "0", paramLabel = "N",
            description = "Cut texts to N tokens, counting how many were cut (default 0: the model's "
                    + "max_position_embeddings from config.json).")
    int maxTokens;

    @Option(names = "--batch-tokens", defaultValue = "" + SessionSpec.DEFAULT_BATCH_TOKENS, paramLabel = "N",
            description = "Padded tokens per forward batch (default ${DEFAULT-VALUE}).")
    int batchTokens;

    @Option(names = "--max-batch", defaultValue = "" + SessionSpec.DEFAULT_MAX_BATCH, paramLabel = "N", description = "Texts per batch at most.")
    int maxBatch;

    @Option(names = "--json", description = "One JSON object per layer and line instead of a table.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private long texts;
    private long tokens;
    private long truncated;
    /** The dtype the model ran in (the figures depend on it). */
    private String dtype;

    @Override
    public Integer call() throws Exception {
        if (maxTexts != null && maxTexts < 1) {
            throw new IllegalArgumentException("--max-texts must be >= 1, got " + maxTexts);
        }
        SessionSpec settings = model.runtime.applyTo(SessionSpec.of(model.model, sae.sae, sae.layerList()))
                .withSae(sae.k, sae.relu).withExtraction(Pooling.MAX, maxTokens, batchTokens, maxBatch);
        Map<Integer, ReconstructionStats> stats = new LinkedHashMap<>();
        Map<Integer, SaeSpec> specs;
        try (FeatureSession session = FeatureSession.open(settings)) {
            specs = session.saes();
            dtype = session.spec().dtype();
            LanguageModel lm = session.model();
            NDManager manager = session.manager();
            QwenTokenizer tokenizer = session.tokenizer();
            int hidden = session.checkpoint().config().hiddenSize();
            try (RecordStream records = data.texts(input).read()) {
                RecordProgress progress = RecordProgress.toStderr("sae stats", records::progress);
                for (var e : specs.entrySet()) {
                    TopKSae s = session.sae(e.getKey());
                    if (s.dModel() != hidden) {
                        throw new IllegalArgumentException(e.getValue().weights() + ": the SAE reads vectors of "
                                + s.dModel() + " values, the model's residual has " + hidden);
                    }
                    stats.put(e.getKey(), new ReconstructionStats(s));
                }
                List<int[]> batch = new ArrayList<>();
                int width = 0;
                while (records.hasNext() && (maxTexts == null || texts < maxTexts)) {
                    int[] ids = tokenizer.encode(records.next().text());
                    texts++;
                    progress.step();
                    int limit = session.spec().maxTokens();
                    if (limit > 0 && ids.length > limit) {
                        ids = Arrays.copyOf(ids, limit);
                        truncated++;
                    }
                    if (ids.length == 0) {
                        continue;
                    }
                    int grown = Math.max(width, ids.length);
                    if (!batch.isEmpty() && ((long) grown * (batch.size() + 1) > batchTokens
                            || batch.size() >= maxBatch)) {
                        run(lm, manager, batch, stats);
                        batch.clear();
                        grown = ids.length;
                    }
                    batch.add(ids);
                    width = grown;
                }
                if (!batch.isEmpty()) {
                    run(lm, manager, batch, stats);
                }
                progress.done(records.skippedNote());
                if (records.rejected() > 0) {
                    System.err.printf("sae stats: %,d records rejected (see --rejects)%n", records.rejected());
                }
            }
        }
        if (tokens == 0) {
            throw new IllegalArgumentException(String.join(", ", input) + ": no text with at least one token");
        }
        print(specs, stats);
        return 0;
    }

    private void run(LanguageModel lm, NDManager manager, List<int[]> batch, Map<Integer, ReconstructionStats> stats)
            throws IOException {
        int[][] ids = batch.toArray(int[][]::new);
        try (NDManager step = manager.newSubManager(); DecodeState state = lm.newState(step, ids.length)) {
            ForwardResult result = lm.forward(step, ids, state, ForwardOptions.residuals(stats.keySet()));
            for (var e : stats.entrySet()) {
                e.getValue().add(FeatureExtractor.realTokens(result.residuals().get(e.getKey()), result.padding()));
            }
        }
        for (int[] row : ids) {
            tokens += row.length;
        }
    }

    private void print(Map<Integer, SaeSpec> specs, Map<Integer, ReconstructionStats> stats) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        for (var e : stats.entrySet()) {
            SaeSpec s = specs.get(e.getKey());
            ReconstructionStats.Result r = e.getValue().result();
            if (json) {
                StringWriter buffer = new StringWriter();
                try (JsonWriter w = new JsonWriter(buffer)) {
                    w.beginObject().name("layer").value(e.getKey()).name("sae").value(s.argument())
                            .name("sae_sha256").value(s.sha256()).name("texts").value(texts)
                            .name("tokens").value(tokens).name("truncated").value(truncated);
                    number(w, "mse", r.mse());
                    number(w, "fvu", r.fvu());
                    number(w, "mean_l0", r.meanL0());
                    w.name("dead_features").value(r.deadFeatures()).name("dead_fraction").value(r.deadFraction())
                            .name("d_sae").value(r.dSae()).name("k").value(s.k())
                            .name("dtype").value(dtype).endObject();
                }
                out.println(buffer);
            } else {
                out.printf("layer %d: %s%n", e.getKey(), s.describe());
                out.printf("  dtype          %s%n", dtype);
                out.printf("  texts          %,d (%,d cut to --max-tokens)%n", texts, truncated);
                out.printf("  tokens         %,d%n", tokens);
                out.printf("  MSE            %.6g%n", r.mse());
                out.printf("  FVU            %.6g%n", r.fvu());
                out.printf("  mean L0        %.3f%n", r.meanL0());
                out.printf("  dead features  %,d of %,d (%.2f%%)%n", r.deadFeatures(), r.dSae(),
                        100 * r.deadFraction());
            }
        }
        out.flush();
    }

    /** JSON has no NaN: an undefined figure (FVU of identical vectors) is written as null. */
    private static void number(JsonWriter w, String name, double value) throws IOException {
        w.name(name);
        if (Double.isFinite(value)) {
            w.value(value);
        } else {
            w.nullValue();
        }
    }
}
