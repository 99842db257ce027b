package org.toxiscope.cli;

import com.google.gson.stream.JsonWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.toxiscope.common.AtomicWrite;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.datasets.TextRecord;
import org.toxiscope.features.SparseVector;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.extract.TextFeatures;
import org.toxiscope.features.extract.TokenCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code toxiscope features}: texts to pooled (and optionally per-token) SAE features, one JSON line per input record. */
@Command(name = "features", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Encode texts with the SAE at one or several layers (one forward pass, early exit after the "
                + "deepest layer) and write one JSON object per input record, in input order:",
            "  {\"id\":..., \"token_ids\":[...], \"pooled\":{\"indices\":[...],\"values\":[...]},",
            "   \"tokens\":[{\"indices\":[...],\"values\":[...]}, ...]}   (tokens only with --per-token)",
            "With --layers each record holds {\"layers\": {\"L\": {\"pooled\":..., \"tokens\":...}}} instead.",
            "Pooled features go through the feature cache, so a re-run (or train/eval on the same texts) does not "
                + "run the model again."},
        footer = {"", "Example:",
            "  toxiscope features --model Qwen/Qwen3-1.7B-Base --sae Qwen/SAE-Res-Qwen3-1.7B-Base-W32K-L0_50 \\",
            "      --layer 14 --input comments.jsonl --output features.jsonl"})
final class FeaturesCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Mixin
    SaeOptions sae;

    @Option(names = "--input", required = true, paramLabel = "FILE_OR_DIR", description = "Texts (any format data reads).")
    List<String> input;

    @Mixin
    DatasetOptions data;

    @Mixin
    FeatureOptions featureOptions;

    @Option(names = "--per-token", description = "Also write each token's k kept features (value descending).")
    boolean perToken;

    @Option(names = "--output", required = true, paramLabel = "OUT.jsonl", description = "Where to write (JSON lines).")
    Path output;

    @Option(names = "--chunk", defaultValue = "512", hidden = true, description = "Records read per chunk.")
    int chunk;

    @Override
    public Integer call() throws Exception {
        List<Integer> layers = sae.layerList();
        try (AtomicWrite file = AtomicWrite.open(output);
             FeatureSession session = FeatureSession.open(model.model, model.device(), sae.sae, layers, sae.k,
                sae.relu, featureOptions.settings(perToken), featureOptions.maxMemoryBytes());
             RecordStream records = data.corpus(input).read()) {
            // A reporting encoder, as Files.newBufferedWriter uses: an unpaired surrogate fails instead of becoming '?'.
            Writer out = new BufferedWriter(new OutputStreamWriter(file.stream(), StandardCharsets.UTF_8.newEncoder()),
                    1 << 16);
            RecordProgress progress = RecordProgress.toStderr("features", records::progress);
            if (session.passes() > 1) {
                System.err.printf("features: the SAEs of %d layers exceed --max-memory; %d passes per chunk%n",
                        layers.size(), session.passes());
            }
            Path cache = featureOptions.cacheDir();
            if (cache != null && !perToken) {
                session.useCache(cache);
            }
            List<TextRecord> batch = new ArrayList<>(chunk);
            while (records.hasNext()) {
                batch.add(records.next());
                if (batch.size() == chunk || !records.hasNext()) {
                    writeChunk(session, batch, out, progress);
                    batch.clear();
                }
            }
            out.flush();
            progress.done();
            if (session.truncatedCount() > 0) {
                System.err.printf("features: %,d texts were cut to --max-tokens %d%n", session.truncatedCount(),
                        featureOptions.maxTokens);
            }
            if (records.rejected() > 0) {
                System.err.printf("features: %,d records rejected (see --rejects)%n", records.rejected());
            }
            file.commit();
        }
        System.err.println("features: wrote " + output);
        return 0;
    }

    private void writeChunk(FeatureSession session, List<TextRecord> batch, Writer out, RecordProgress progress)
            throws IOException {
        List<String> texts = batch.stream().map(TextRecord::text).toList();
        List<Map<Integer, SparseVector>> pooled;
        List<Map<Integer, TokenCodes>> tokens = null;
        int[][] ids;
        if (perToken) {
            TextFeatures[] full = session.extract(texts);
            pooled = new ArrayList<>();
            tokens = new ArrayList<>();
            ids = new int[full.length][];
            for (int i = 0; i < full.length; i++) {
                pooled.add(full[i].pooled());
                tokens.add(full[i].tokens());
                ids[i] = full[i].tokenIds();
            }
        } else {
            pooled = session.pooled(texts);
            ids = session.tokenIds(texts);
        }
        for (int i = 0; i < batch.size(); i++) {
            JsonWriter json = new JsonWriter(new NonClosing(out));
            json.beginObject();
            json.name("id").value(batch.get(i).id());
            json.name("token_ids").beginArray();
            for (int t : ids[i]) {
                json.value(t);
            }
            json.endArray();
            if (sae.singleLayer()) {
                int layer = pooled.get(i).keySet().iterator().next();
                writeLayer(json, pooled.get(i).get(layer), tokens == null ? null : tokens.get(i).get(layer));
            } else {
                json.name("layers").beginObject();
                for (var e : pooled.get(i).entrySet()) {
                    json.name(String.valueOf(e.getKey())).beginObject();
                    writeLayer(json, e.getValue(), tokens == null ? null : tokens.get(i).get(e.getKey()));
                    json.endObject();
                }
                json.endObject();
            }
            json.endObject();
            json.flush();
            out.write('\n');
            progress.step();
        }
    }

    private static void writeLayer(JsonWriter json, SparseVector pooled, TokenCodes tokens) throws IOException {
        json.name("pooled");
        writeSparse(json, pooled.indices(), pooled.values());
        if (tokens != null) {
            json.name("tokens").beginArray();
            for (int t = 0; t < tokens.indices().length; t++) {
                writeSparse(json, tokens.indices()[t], tokens.values()[t]);
            }
            json.endArray();
        }
    }

    private static void writeSparse(JsonWriter json, int[] indices, float[] values) throws IOException {
        json.beginObject().name("indices").beginArray();
        for (int i : indices) {
            json.value(i);
        }
        json.endArray().name("values").beginArray();
        for (float v : values) {
            json.value(Float.valueOf(v));
        }
        json.endArray().endObject();
    }

    /** Lets each record's JsonWriter flush into the shared writer without closing it. */
    private static final class NonClosing extends java.io.FilterWriter {
        NonClosing(Writer out) {
            super(out);
        }

        @Override
        public void close() {
        }
    }
}
