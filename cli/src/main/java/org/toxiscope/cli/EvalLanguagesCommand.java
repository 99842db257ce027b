package org.toxiscope.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.toxiscope.eval.Chart;
import org.toxiscope.eval.EvalReport;
import org.toxiscope.eval.LanguageStudy;
import org.toxiscope.eval.StudyInputs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code toxiscope eval languages}: feature overlap between languages and cross-language transfer. */
@Command(name = "languages", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"How language-specific the toxic features are (report Fig. 9).",
            "Features are extracted once for every --layers layer of TRAIN and TEST (through the feature cache) and "
                + "discovered separately on each language's TRAIN rows (languages with both classes). Per layer: the "
                + "Jaccard overlap of the top-K features of every language pair (Fig. 9a-c). Transfer (Fig. 9d-e): "
                + "the top-K rule discovered on each --source-lang, at that language's top1-diff layer, scored on "
                + "each language's TEST rows, beside the rule each language gets from its own rows.",
            "Writes DIR/report.json (every number, provenance), DIR/per_language.csv and DIR/index.html."},
        footer = {"", "Example:", "  toxiscope eval languages --model qwen3-0.6b --sae sae-res --layers all \\",
            "      --data train.jsonl --test test.jsonl --report languages"})
final class EvalLanguagesCommand implements Callable<Integer> {

    @Mixin
    EvalModelOptions options;

    @Option(names = "--source-lang", paramLabel = "LANG", split = ",", defaultValue = "en",
            description = "Languages whose features are transferred to the others, or all (default: ${DEFAULT-VALUE}).")
    List<String> sources;

    @Option(names = "--top-features", paramLabel = "K", defaultValue = "10",
            description = "Top-K features per language and layer compared, and used by the rule (default: ${DEFAULT-VALUE}).")
    int k;

    @Override
    public Integer call() throws Exception {
        StudyInputs loaded = options.load("languages");
        LanguageStudy s = LanguageStudy.run(loaded.data(), k, sources);
        EvalReport out = options.report("toxiscope eval languages", loaded, s.summary(), s.headline());
        List<Chart> jaccard = new ArrayList<>(s.jaccardCharts());
        out.addSection("Overlap of the toxic features between languages (Fig. 9a-c)", "Jaccard overlap of the top-" + k
                + " features by delta, discovered on each language's discovery rows, one heatmap per layer.",
                jaccard.toArray(Chart[]::new));
        out.addSection("Cross-language transfer (Fig. 9d-e)", "F1 on each language's test rows of the top-" + k
                + " rule discovered in a source language at its top1-diff layer; the last row uses each target's "
                + "own rule.", s.transferChart());
        options.write("languages", out);
        List<String> targets = s.targets();
        System.out.println("discovered_in\t" + String.join("\t", targets));
        for (int i = 0; i < s.sources().size(); i++) {
            StringBuilder row = new StringBuilder(s.sources().get(i));
            for (int t = 0; t < targets.size(); t++) {
                row.append('\t').append(EvalModelOptions.fmt(s.transfer(i, t)));
            }
            System.out.println(row);
        }
        return 0;
    }
}
