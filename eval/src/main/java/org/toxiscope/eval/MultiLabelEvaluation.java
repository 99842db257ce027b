package org.toxiscope.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * The per-label metrics of one multi-label classifier on one test set: one evaluation per label scored (named by the
 * label, in the classifier's label order), the labels whose gold column the test set lacks, and the mean column-wise
 * AUROC (Jigsaw's metric) over the scored labels whose AUROC is defined (listed in meanAurocLabels; null when none is).
 */
public record MultiLabelEvaluation(String name, List<ClassifierEvaluation> labels, List<String> missingLabels,
                                   Double meanAuroc, List<String> meanAurocLabels) {

    public MultiLabelEvaluation {
        labels = List.copyOf(labels);
        missingLabels = List.copyOf(missingLabels);
        meanAurocLabels = List.copyOf(meanAurocLabels);
    }

    /** The evaluation of classifier {@code name} from its per-label evaluations, with the mean AUROC computed. */
    public static MultiLabelEvaluation of(String name, List<ClassifierEvaluation> labels, List<String> missingLabels) {
        double sum = 0;
        List<String> over = new ArrayList<>();
        for (ClassifierEvaluation label : labels) {
            Double auroc = label.overall().auroc();
            if (auroc != null) {
                sum += auroc;
                over.add(label.name());
            }
        }
        return new MultiLabelEvaluation(name, labels, missingLabels, over.isEmpty() ? null : sum / over.size(), over);
    }
}
