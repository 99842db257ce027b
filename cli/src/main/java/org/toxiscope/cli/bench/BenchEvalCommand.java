package org.toxiscope.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import org.toxiscope.eval.ClassifierEvaluation;
import org.toxiscope.eval.MetricsConfig;
import org.toxiscope.eval.Predictions;
import org.toxiscope.eval.ScoredExample;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code toxiscope bench eval}: time of the full metrics computation (bootstrap included) on synthetic predictions. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Times ClassifierEvaluation.evaluate (all metrics, bootstrap CIs, overall and per language) on "
                + "seeded synthetic predictions and prints rows, languages, resamples and seconds.",
        footer = {"", "Example:", "  toxiscope bench eval --rows 100000 --languages 10 --bootstrap 1000"})
final class BenchEvalCommand implements Callable<Integer> {

    @Option(names = "--rows", defaultValue = "100000", description = "Predictions (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--languages", defaultValue = "10", description = "Languages (default: ${DEFAULT-VALUE}).")
    int languages;

    @Option(names = "--bootstrap", defaultValue = "1000", description = "Resamples (default: ${DEFAULT-VALUE}).")
    int bootstrap;

    @Option(names = "--repeat", defaultValue = "3", description = "Timed runs after one warm-up "
            + "(default: ${DEFAULT-VALUE}).")
    int repeat;

    @Override
    public Integer call() {
        Random random = new Random(1);
        List<ScoredExample> list = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            boolean gold = random.nextDouble() < 0.3;
            double score = 1 / (1 + Math.exp(-((gold ? 1.5 : -1.5) + random.nextGaussian())));
            list.add(new ScoredExample("r" + i, "l" + (i % languages), gold, score, score >= 0.5));
        }
        Predictions predictions = Predictions.of(list);
        MetricsConfig config = new MetricsConfig(bootstrap, 42, 0.95, 10, 200);
        Stopwatch.Times times = Stopwatch.repeat(1, repeat,
                () -> ClassifierEvaluation.evaluate("bench", predictions, Set.of(), config));
        for (double seconds : times.seconds()) {
            System.out.printf(Locale.ROOT, "eval metrics: %d rows, %d languages, %d resamples: %.3f s "
                    + "(%.0f rows x resamples per second, overall + per language)%n",
                    rows, languages, bootstrap, seconds, 2.0 * rows * Math.max(1, bootstrap) / seconds);
        }
        return 0;
    }
}
