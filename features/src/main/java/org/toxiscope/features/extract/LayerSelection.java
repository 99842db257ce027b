package org.toxiscope.features.extract;

import java.util.List;
import java.util.TreeSet;

/** Parses a layer list such as {@code 14}, {@code 3,8-20} or {@code all} (all layers the SAE release provides). */
public final class LayerSelection {

    private LayerSelection() {
    }

    /** The sorted layers of {@code spec}; {@code available} answers "all" and bounds the rest (null: no bound). */
    public static List<Integer> parse(String spec, List<Integer> available) {
        if (spec.equalsIgnoreCase("all")) {
            if (available == null || available.isEmpty()) {
                throw new IllegalArgumentException("--layers all needs an SAE folder (or HF id) holding layer{n}.sae.pt "
                        + "files; none were found");
            }
            return List.copyOf(new TreeSet<>(available));
        }
        TreeSet<Integer> layers = new TreeSet<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            try {
                int dash = p.indexOf('-', 1);
                int from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash));
                int to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1));
                if (from < 0 || to < from) {
                    throw new NumberFormatException();
                }
                for (int l = from; l <= to; l++) {
                    layers.add(l);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--layers: '" + p + "' is not a layer, a range a-b, or all");
            }
        }
        if (available != null && !available.isEmpty() && !available.containsAll(layers)) {
            TreeSet<Integer> missing = new TreeSet<>(layers);
            missing.removeAll(available);
            throw new IllegalArgumentException("--layers: no SAE for layer(s) " + missing + " (available: " + available + ")");
        }
        return List.copyOf(layers);
    }
}
