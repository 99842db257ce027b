package org.toxiscope.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluationUtil;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** Our metrics against Tribuo's own evaluator on the same predictions, where both compute the same quantity. */
class TribuoCrossCheckTest {

    private static final LabelFactory FACTORY = new LabelFactory();
    private static final Label TOXIC = new Label("toxic");
    private static final Label CLEAN = new Label("clean");

    @Test
    void handFixtureAgreesWithLabelEvaluator() {
        check(MetricsTest.fixture().subList(0, 8));
    }

    @Test
    void randomTiedPredictionsAgreeWithLabelEvaluator() {
        Random random = new Random(11);
        for (int trial = 0; trial < 10; trial++) {
            List<ScoredExample> rows = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                double score = random.nextInt(21) / 20.0;
                boolean gold = random.nextDouble() < score;
                rows.add(new ScoredExample("r" + i, "en", gold, score, score >= 0.5));
            }
            check(rows);
        }
    }

    private static void check(List<ScoredExample> rows) {
        BinaryMetrics ours = Metrics.compute(Predictions.of(rows), new MetricsConfig(0, 1, 0.95, 10, 200));
        LabelEvaluation theirs = new LabelEvaluator().evaluate(model(), tribuoPredictions(rows),
                new SimpleDataSourceProvenance("cross-check", FACTORY));
        assertEquals(theirs.accuracy(), ours.accuracy(), 1e-12, "accuracy");
        assertEquals(theirs.precision(TOXIC), ours.precision(), 1e-12, "precision");
        assertEquals(theirs.recall(TOXIC), ours.recall(), 1e-12, "recall");
        assertEquals(theirs.f1(TOXIC), ours.f1(), 1e-12, "f1");
        assertEquals(theirs.f1(CLEAN), ours.f1Clean(), 1e-12, "f1 clean");
        assertEquals(theirs.macroAveragedF1(), ours.macroF1(), 1e-12, "macro f1");
        assertEquals(theirs.tp(TOXIC), ours.confusion().tp(), "tp");
        assertEquals(theirs.fp(TOXIC), ours.confusion().fp(), "fp");
        assertEquals(theirs.AUCROC(TOXIC), ours.auroc(), 1e-12, "auroc");

        boolean[] gold = new boolean[rows.size()];
        double[] scores = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            gold[i] = rows.get(i).gold();
            scores[i] = rows.get(i).score();
        }
        assertEquals(LabelEvaluationUtil.binaryAUCROC(gold, scores), ours.auroc(), 1e-12, "binaryAUCROC");
        assertEquals(LabelEvaluationUtil.averagedPrecision(gold, scores), ours.averagePrecision(), 1e-12, "AP");
    }

    /** Any model whose output domain is {toxic, clean} and which claims probabilities: the evaluator needs one. */
    private static Model<Label> model() {
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("domain", FACTORY), FACTORY);
        data.add(new ArrayExample<>(TOXIC, new String[] {"f"}, new double[] {1}));
        data.add(new ArrayExample<>(CLEAN, new String[] {"f"}, new double[] {0}));
        return new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.1, 0.1), 1, 1L).train(data);
    }

    private static List<org.tribuo.Prediction<Label>> tribuoPredictions(List<ScoredExample> rows) {
        List<org.tribuo.Prediction<Label>> out = new ArrayList<>();
        for (ScoredExample p : rows) {
            ArrayExample<Label> example = new ArrayExample<>(p.gold() ? TOXIC : CLEAN, new String[] {"f"},
                    new double[] {1});
            Label output = p.predicted() ? new Label("toxic", p.score()) : new Label("clean", 1 - p.score());
            Map<String, Label> scores = Map.of("toxic", new Label("toxic", p.score()),
                    "clean", new Label("clean", 1 - p.score()));
            out.add(new org.tribuo.Prediction<>(output, scores, 1, example, true));
        }
        return out;
    }
}
