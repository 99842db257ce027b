package org.toxiscope.cli;

import com.google.gson.GsonBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.toxiscope.classify.FeatureRef;
import org.toxiscope.synthesize.FeatureExplanation;
import org.toxiscope.synthesize.SynthesisRun;
import org.toxiscope.synthesize.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code toxiscope explain-feature}: a feature's token signature (logit lens), its top-activating contexts and, with
 * {@code --query-lens}, its Query Lens reading (value and key sides, top and bottom tokens each).
 */
@Command(name = "explain-feature", mixinStandardHelpOptions = true,
        description = {"Explains SAE features: the token signature (top tokens of the unembedding applied to the "
                + "decoder direction W_dec[:, f], i.e. the logit lens) and, with --corpus, the top-activating "
                + "contexts (snippets with the firing token marked [[...]]).",
            "With --query-lens, also the Query Lens (Lee et al. 2026) over every text of --corpus (cut it with "
                + "--sample N): the value side (what the feature promotes: W_dec[:, f] carried through the later "
                + "blocks' Jacobians, read through the final norm and unembedding) and the key side (what activates "
                + "it: W_enc[f, :] carried back through the earlier blocks, read against the centred token "
                + "embeddings), top and bottom --tokens tokens each, with their linearity statistics (EV_mu, "
                + "rel_var); the model then runs in f32."},
        footer = {"", "Example:",
            "  toxiscope explain-feature --model Qwen/Qwen3-1.7B-Base \\",
            "      --sae Qwen/SAE-Res-Qwen3-1.7B-Base-W32K-L0_50 --layer 14 --feature 2311 \\",
            "      --corpus train.jsonl --json",
            "  toxiscope explain-feature --model Qwen/Qwen3-1.7B-Base \\",
            "      --sae Qwen/SAE-Res-Qwen3-1.7B-Base-W32K-L0_50 --layer 14 --feature 2311,77 \\",
            "      --corpus train.jsonl --sample 64 --query-lens --tokens 20 --json"})
final class ExplainFeatureCommand implements Callable<Integer> {

    /** Characters per column of the side-by-side lists: a score and a quoted token. */
    private static final int CELL = 26;

    @Mixin
    SynthModelOptions modelOptions;

    @Mixin
    DatasetOptions dataset;

    @Option(names = "--layer", required = true, paramLabel = "L", description = "The SAE layer.")
    int layer;

    @Option(names = "--feature", required = true, split = ",", paramLabel = "F[,F..]", description = "Feature index(es).")
    List<Integer> features;

    @Option(names = "--corpus", split = ",", paramLabel = "DATA", description = "Corpus to find top-activating contexts in.")
    List<String> corpus = new ArrayList<>();

    @Option(names = "--contexts", defaultValue = "5", paramLabel = "N", description = "Contexts per feature (default ${DEFAULT-VALUE}).")
    int contexts;

    @Option(names = "--tokens", defaultValue = "10", paramLabel = "N", description = "Signature tokens (default ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--query-lens", description = "Also read each feature with the Query Lens over the --corpus "
            + "texts (value and key sides, top and bottom tokens).")
    boolean queryLens;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<Target> targets = new ArrayList<>();
        for (int f : features) {
            targets.add(new Target(new FeatureRef(layer, f), Double.NaN, "explain-feature"));
        }
        List<FeatureExplanation> explanations = SynthesisRun.explain(modelOptions.choice(), targets,
                corpus.isEmpty() ? null : dataset.texts(corpus), contexts, tokens, queryLens);
        if (json) {
            System.out.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
                    .setFieldNamingPolicy(com.google.gson.FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES).create()
                    .toJson(explanations));
            return 0;
        }
        for (FeatureExplanation e : explanations) {
            System.out.printf("L%d:f%d%n  token signature (logit lens):%n", e.layer(), e.feature());
            for (FeatureExplanation.TokenScore t : e.tokens()) {
                System.out.printf(Locale.ROOT, "    %8.3f  %s%n", t.score(), quote(t.token()));
            }
            if (e.queryLens() != null) {
                printQueryLens(e);
            }
            if (!corpus.isEmpty()) {
                System.out.printf("  top contexts:%n");
                if (e.contexts().isEmpty()) {
                    System.out.printf("    (the feature fires on no example of the corpus)%n");
                }
                for (FeatureExplanation.Context c : e.contexts()) {
                    System.out.printf(Locale.ROOT, "    %8.3f  %s  %s%n", c.activation(), c.id(), quote(c.snippet().text()));
                }
            }
        }
        return 0;
    }

    /** The logit lens and the four Query Lens lists side by side, one rank per line, then the statistics. */
    private static void printQueryLens(FeatureExplanation e) {
        FeatureExplanation.QueryLensReading q = e.queryLens();
        List<List<FeatureExplanation.TokenScore>> columns = List.of(e.tokens(), q.value().top(), q.value().bottom(),
                q.key().top(), q.key().bottom());
        System.out.printf("  query lens over %,d token positions:%n", q.positions());
        StringBuilder header = new StringBuilder("   ");
        for (String title : List.of("logit lens", "value top", "value bottom", "key top", "key bottom")) {
            header.append(String.format(Locale.ROOT, " %-" + CELL + "s", title));
        }
        System.out.println(header.toString().stripTrailing());
        int rows = columns.stream().mapToInt(List::size).max().orElse(0);
        for (int r = 0; r < rows; r++) {
            StringBuilder line = new StringBuilder("   ");
            for (List<FeatureExplanation.TokenScore> column : columns) {
                String cell = r < column.size() ? String.format(Locale.ROOT, "%8.3f %s", column.get(r).score(),
                        clip(quote(column.get(r).token()))) : "";
                line.append(String.format(Locale.ROOT, " %-" + CELL + "s", cell));
            }
            System.out.println(line.toString().stripTrailing());
        }
        System.out.printf(Locale.ROOT, "  value: EV_mu %.4f, rel_var %.4f; key: EV_mu %.4f, rel_var %.4f%n",
                q.stats().value().evMu(), q.stats().value().relVar(), q.stats().key().evMu(),
                q.stats().key().relVar());
    }

    /** A quoted token cut to fit its column. */
    private static String clip(String quoted) {
        int room = CELL - 9;
        return quoted.length() <= room ? quoted : quoted.substring(0, room - 1) + "~";
    }

    private static String quote(String s) {
        return "\"" + s.replace("\n", "\\n") + "\"";
    }
}
