package org.toxiscope.cli;

import java.util.concurrent.Callable;
import org.toxiscope.classify.Method;
import org.toxiscope.classify.TrainConfig;
import org.toxiscope.eval.DataEfficiencyStudy;
import org.toxiscope.eval.EvalReport;
import org.toxiscope.eval.LineChart;
import org.toxiscope.eval.StudyInputs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code toxiscope eval curve}: data-efficiency curve, F1 per training fraction as a share of the full-data F1. */
@Command(name = "curve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Data-efficiency curve and macro-F1 across languages vs discovery fraction (report Fig. 12).",
            "Features are extracted once for every --layers layer of TRAIN and TEST (through the feature cache). For "
                + "each fraction and seed, toxiscope train's pipeline runs on that fraction of every (language, "
                + "label) stratum of TRAIN (no validation hold-out) and the classifier is scored on TEST. F1 per "
                + "fraction is reported as a share of the full-data F1 (mean over seeds, min-max whiskers).",
            "Writes DIR/report.json (every number, provenance), DIR/per_language.csv and DIR/index.html."},
        footer = {"", "Example:", "  toxiscope eval curve --model qwen3-0.6b --sae sae-res --layers all \\",
            "      --data train.jsonl --test test.jsonl --method rule --report curve"})
final class EvalCurveCommand implements Callable<Integer> {

    @Mixin
    EvalModelOptions options;

    @Option(names = "--method", paramLabel = "rule|logreg|svm", defaultValue = "rule",
            description = "Classifier method trained at each fraction (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--fractions", paramLabel = "F,F,..", split = ",", defaultValue = "0.01,0.05,0.1,0.25,0.5,1.0",
            description = "Discovery fractions (default: ${DEFAULT-VALUE}; 1.0 is added when missing).")
    double[] fractions;

    @Option(names = "--seeds", paramLabel = "N", defaultValue = "3",
            description = "Seeds per fraction: --seed, --seed + 1, ... (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Mixin
    ClassifierChoiceOptions choice;

    @Option(names = "--epochs", paramLabel = "N", description = "SGD epochs for logreg/svm (default 10).")
    Integer epochs;

    @Override
    public Integer call() throws Exception {
        if (seeds < 1) {
            throw new IllegalArgumentException("--seeds must be at least 1, got " + seeds);
        }
        Method m = Method.parse(method);
        long seed = options.columns.seed;
        TrainConfig base = choice.config(m, epochs, 1.0, 0.0, seed, false);
        long[] seedList = new long[seeds];
        for (int i = 0; i < seeds; i++) {
            seedList[i] = seed + i;
        }
        StudyInputs loaded = options.load("curve");
        DataEfficiencyStudy s = DataEfficiencyStudy.run(loaded.data(), base, fractions, seedList, loaded.extraction(),
                line -> System.err.println("eval curve: " + line));
        if (s.headline().isEmpty()) {
            throw new IllegalArgumentException("the full-data " + m.id() + " classifier could not be trained: "
                    + String.join("; ", s.failures()));
        }
        EvalReport out = options.report("toxiscope eval curve: " + m.id(), loaded, s.summary(), s.headline());
        LineChart share = s.shareChart();
        String caption = "Mean over " + seeds + " seed(s), whiskers from the lowest to the highest seed.";
        if (share != null) {
            out.addSection("Data efficiency", caption, share);
        } else {
            System.err.println("eval curve: the full-data F1 is 0, no share-of-full-data curve");
        }
        out.addSection("Macro-F1 across languages vs discovery fraction (Fig. 12)", caption + " Macro-F1 is the mean "
                + "of the per-language F1.", s.macroF1Chart());
        options.write("curve", out);
        double[] fr = s.fractions();
        double[] f1 = s.meanF1();
        double[] macro = s.meanMacroF1();
        double[] shareOf = s.shareOfFullData();
        System.out.println("fraction\tmean_F1\tshare_of_full\tmean_macro_F1");
        for (int i = 0; i < fr.length; i++) {
            System.out.println(fr[i] + "\t" + EvalModelOptions.fmt(f1[i]) + "\t"
                    + EvalModelOptions.fmt(shareOf[i]) + "\t" + EvalModelOptions.fmt(macro[i]));
        }
        s.failures().forEach(f -> System.err.println("eval curve: failed run: " + f));
        return 0;
    }
}
