package org.toxiscope.synthesize;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.classify.DeltaTable;
import org.toxiscope.classify.FeatureRef;
import org.toxiscope.classify.FeatureRule;
import org.toxiscope.classify.LinearClassifier;
import org.toxiscope.classify.Scorer;
import org.toxiscope.common.Snippet;
import org.toxiscope.datasets.StrictUtf8Reader;

/**
 * The target inventory T: safety-relevant features from a classifier bundle (its toxic-biased features), from
 * {@code toxiscope discover} output (top-N by delta), or from a file of {@code layer:feature} ids with optional
 * relevance scores.
 */
public final class TargetInventory {

    private static final Pattern ID = Pattern.compile("(?:L)?(\\d+):(?:f)?(\\d+)");

    private TargetInventory() {
    }

    /**
     * The primary label's toxic-biased features: every feature of a rule (relevance NaN), or the {@code topN} largest
     * positive weights of a linear model (relevance = weight), in descending weight.
     */
    public static List<Target> fromBundle(ClassifierBundle bundle, int topN) {
        Scorer scorer = bundle.classifiers().get(0).scorer();
        List<Target> out = new ArrayList<>();
        if (scorer instanceof FeatureRule rule) {
            for (FeatureRef f : rule.features()) {
                out.add(new Target(f, Double.NaN, "classifier rule"));
            }
        } else if (scorer instanceof LinearClassifier linear) {
            linear.featureWeights().entrySet().stream().filter(e -> e.getValue() > 0)
                    .sorted(Map.Entry.<FeatureRef, Double>comparingByValue().reversed()
                            .thenComparing(Map.Entry.comparingByKey(Comparator.comparingInt(FeatureRef::layer)
                                    .thenComparingInt(FeatureRef::feature))))
                    .limit(topN)
                    .forEach(e -> out.add(new Target(e.getKey(), e.getValue(), "classifier weight")));
        } else {
            throw new IllegalArgumentException("classifier of type " + scorer.getClass().getSimpleName()
                    + " has no feature list to take targets from");
        }
        return out;
    }

    /**
     * The {@code topN} features of each layer by delta (positive deltas only) from the delta table {@code toxiscope
     * discover} wrote (CSV or JSON, read by {@link DeltaTable#read}); relevance = delta.
     */
    public static List<Target> fromDelta(Path file, int topN) throws IOException {
        DeltaTable table = DeltaTable.read(file);
        List<Target> out = new ArrayList<>();
        for (int layer : table.layers()) {
            DeltaTable.LayerDeltas l = table.layer(layer);
            for (int r = 0; r < l.size() && r < topN && l.delta()[r] > 0; r++) {
                // The float's shortest decimal, as the file shows it: 0.4, not 0.4000000059604645.
                double relevance = Double.parseDouble(Float.toString(l.delta()[r]));
                out.add(new Target(new FeatureRef(layer, l.features()[r]), relevance, "discover delta"));
            }
        }
        return out;
    }

    /**
     * Ids from a text file, one per line: {@code layer:feature} (or {@code L14:f2311}) and an optional relevance after
     * a comma, tab or spaces; {@code #} starts a comment. With {@code minRelevance} only ids scored at least that
     * are kept, and every id needs a score.
     */
    public static List<Target> fromFile(Path file, Double minRelevance) throws IOException {
        Map<FeatureRef, Target> out = new LinkedHashMap<>();
        StrictUtf8Reader.forEachLine(file, (lineNo, line) -> {
            int hash = line.indexOf('#');
            String body = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (body.isEmpty()) {
                return;
            }
            String where = file + ":" + lineNo + ": ";
            String[] parts = body.split("[,\\t ]+");
            Matcher m = ID.matcher(parts[0]);
            if (!m.matches() || parts.length > 2) {
                throw new IllegalArgumentException(where + "expected 'layer:feature [relevance]', found '"
                        + Snippet.of(body) + "'" + (body.startsWith("{") ? " (a delta table from discover? pass it "
                        + "with --discover)" : ""));
            }
            double relevance = Double.NaN;
            if (parts.length == 2) {
                try {
                    relevance = Double.parseDouble(parts[1]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(where + "relevance '" + Snippet.of(parts[1])
                            + "' is not a number");
                }
            }
            if (minRelevance != null && Double.isNaN(relevance)) {
                throw new IllegalArgumentException(where + "no relevance score, but a minimum relevance was given");
            }
            if (minRelevance != null && relevance < minRelevance) {
                return;
            }
            FeatureRef ref;
            try {
                ref = new FeatureRef(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + "layer or feature out of range in '" + Snippet.of(parts[0])
                        + "'");
            }
            out.putIfAbsent(ref, new Target(ref, relevance, "targets file"));
        });
        return new ArrayList<>(out.values());
    }

    /** The text form {@link #fromFile} reads: {@code layer:feature[,relevance]} per line. */
    public static String format(List<Target> targets) {
        StringBuilder sb = new StringBuilder();
        for (Target t : targets) {
            sb.append(t.layer()).append(':').append(t.feature());
            if (!Double.isNaN(t.relevance())) {
                sb.append(',').append(t.relevance());
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
