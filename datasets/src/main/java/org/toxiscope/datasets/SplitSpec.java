package org.toxiscope.datasets;

import java.util.ArrayList;
import java.util.List;

/** Named split fractions, e.g. {@code train=0.8,validation=0.1,test=0.1}; fractions are positive and sum to at most 1. */
public record SplitSpec(List<String> names, List<Double> fractions) {

    public SplitSpec {
        names = List.copyOf(names);
        fractions = List.copyOf(fractions);
        if (names.isEmpty() || names.size() != fractions.size()) {
            throw new IllegalArgumentException("give one fraction per split name");
        }
        double sum = 0;
        for (int i = 0; i < fractions.size(); i++) {
            double f = fractions.get(i);
            if (!(f > 0 && f <= 1)) {
                throw new IllegalArgumentException("split '" + names.get(i) + "' fraction must be in (0,1], got " + f);
            }
            sum += f;
        }
        if (sum > 1 + 1e-9) {
            throw new IllegalArgumentException("split fractions sum to " + sum + ", more than 1");
        }
        if (names.stream().distinct().count() != names.size()) {
            throw new IllegalArgumentException("split names repeat: " + names);
        }
    }

    /** Parses {@code name=fraction,...}. */
    public static SplitSpec parse(String spec) {
        List<String> names = new ArrayList<>();
        List<Double> fractions = new ArrayList<>();
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2 || kv[0].isBlank()) {
                throw new IllegalArgumentException("split '" + part.trim() + "' is not name=fraction");
            }
            names.add(kv[0].trim());
            try {
                fractions.add(Double.parseDouble(kv[1].trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("split '" + part.trim() + "' has no number after '='");
            }
        }
        return new SplitSpec(names, fractions);
    }
}
