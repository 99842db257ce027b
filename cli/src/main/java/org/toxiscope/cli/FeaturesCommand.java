package org.toxiscope.cli;

import com.google.gson.stream.JsonWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.toxiscope.classify.CorpusPass;
import org.toxiscope.common.AtomicWrite;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.features.SparseVector;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.extract.SessionSpec;
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

    @Option(names = "--chunk", defaultValue = "" + CorpusPass.DEFAULT_CHUNK, hidden = true,
            description = "Records read per chunk.")
    int chunk;

    @Override
    public Integer call() throws Exception {
        SessionSpec spec = Sessions.spec(model, sae, featureOptions);
        try (AtomicWrite file = AtomicWrite.open(output);
             FeatureSession session = Sessions.open("features", spec, featureOptions, !perToken);
             RecordStream records = data.texts(input).read()) {
            // A reporting encoder, as Files.newBufferedWriter uses: an unpaired surrogate fails instead of becoming '?'.
            Writer out = new BufferedWriter(new OutputStreamWriter(file.stream(), StandardCharsets.UTF_8.newEncoder()),
                    1 << 16);
            CorpusPass.of("features", session, perToken ? CorpusPass.Need.PER_TOKEN : CorpusPass.Need.POOLED)
                    .chunk(chunk).run(records, c -> writeChunk(session, c, out));
            out.flush();
            file.commit();
        }
        System.err.println("features: wrote " + output);
        return 0;
    }

    private void writeChunk(FeatureSession session, CorpusPass.Chunk chunk, Writer out) throws IOException {
        int[][] ids = chunk.full() == null ? session.tokenIds(chunk.texts()) : null;
        for (int i = 0; i < chunk.records().size(); i++) {
            Map<Integer, SparseVector> pooled = chunk.pooled().get(i);
            Map<Integer, TokenCodes> tokens = chunk.full() == null ? null : chunk.full()[i].tokens();
            JsonWriter json = new JsonWriter(new NonClosing(out));
            json.beginObject();
            json.name("id").value(chunk.records().get(i).id());
            json.name("token_ids").beginArray();
            for (int t : ids != null ? ids[i] : chunk.full()[i].tokenIds()) {
                json.value(t);
            }
            json.endArray();
            if (sae.singleLayer()) {
                int layer = pooled.keySet().iterator().next();
                writeLayer(json, pooled.get(layer), tokens == null ? null : tokens.get(layer));
            } else {
                json.name("layers").beginObject();
                for (var e : pooled.entrySet()) {
                    json.name(String.valueOf(e.getKey())).beginObject();
                    writeLayer(json, e.getValue(), tokens == null ? null : tokens.get(e.getKey()));
                    json.endObject();
                }
                json.endObject();
            }
            json.endObject();
            json.flush();
            out.write('\n');
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
