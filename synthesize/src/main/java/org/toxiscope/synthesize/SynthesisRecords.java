package org.toxiscope.synthesize;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.toxiscope.classify.FeatureRef;
import org.toxiscope.datasets.StrictUtf8Reader;
import org.toxiscope.datasets.TextRecord;

/** The records of a synthesis output (JSON Lines) as far as coverage needs them, read back for the report. */
public record SynthesisRecords(List<Entry> entries) {

    /** One record: id, verified text, target, generator and attempt number. */
    public record Entry(String id, String text, FeatureRef target, String generator, int attempt) {
    }

    public static SynthesisRecords read(Path jsonl) throws IOException {
        List<Entry> out = new ArrayList<>();
        StrictUtf8Reader.forEachLine(jsonl, (lineNo, line) -> {
            if (line.isBlank()) {
                return;
            }
            try {
                JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                out.add(new Entry(string(o, "id"), string(o, "text"), new FeatureRef(
                        Integer.parseInt(string(o, "target_layer")), Integer.parseInt(string(o, "target_feature"))),
                        string(o, "generator"), Integer.parseInt(string(o, "attempt"))));
            } catch (JsonParseException | IllegalStateException | IllegalArgumentException e) {
                throw new IllegalArgumentException(jsonl + ":" + lineNo + ": not a synthesis record: "
                        + e.getMessage(), e);
            }
        });
        return new SynthesisRecords(List.copyOf(out));
    }

    private static String string(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            throw new IllegalArgumentException("field '" + field + "' is missing");
        }
        return e.getAsString();
    }

    /** The records (all, or one generator's when {@code generator} is not null) as text records for re-encoding. */
    public List<TextRecord> texts(String generator) {
        List<TextRecord> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (generator == null || generator.equals(e.generator())) {
                out.add(new TextRecord(e.id(), e.text(), null, Map.of(), Map.of(), "synthesis", i + 1));
            }
        }
        return out;
    }

    /** The generators present, in first-seen order. */
    public List<String> generators() {
        return entries.stream().map(Entry::generator).distinct().toList();
    }

    /**
     * Kept and tried per target: kept = its records; tried = the attempt number after its last record when it
     * reached {@code samplesPerFeature}, else the whole budget {@code maxTries} (0 for a target not synthesized).
     */
    public List<CoverageReport.TargetStats> stats(List<Target> targets, List<Target> synthesized,
                                                  int samplesPerFeature, int maxTries) {
        Map<FeatureRef, int[]> keptAndLast = new HashMap<>();
        for (Entry e : entries) {
            int[] k = keptAndLast.computeIfAbsent(e.target(), r -> new int[2]);
            k[0]++;
            k[1] = Math.max(k[1], e.attempt() + 1);
        }
        List<FeatureRef> tried = synthesized.stream().map(Target::ref).toList();
        List<CoverageReport.TargetStats> out = new ArrayList<>();
        for (Target t : targets) {
            int[] k = keptAndLast.getOrDefault(t.ref(), new int[2]);
            int triedCount = !tried.contains(t.ref()) ? 0 : k[0] >= samplesPerFeature ? k[1] : maxTries;
            out.add(new CoverageReport.TargetStats(k[0], triedCount));
        }
        return out;
    }
}
