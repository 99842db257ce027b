package org.toxiscope.classify;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One SAE feature of one layer, written {@code L14:f2311}. */
public record FeatureRef(int layer, int feature) {

    private static final Pattern FORM = Pattern.compile("L(\\d+):f(\\d+)");

    public FeatureRef {
        if (layer < 0 || feature < 0) {
            throw new IllegalArgumentException("negative layer or feature: L" + layer + ":f" + feature);
        }
    }

    /** Parses {@code L<layer>:f<feature>}. */
    public static FeatureRef parse(String s) {
        Matcher m = FORM.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + s + "' is not a feature name of the form L14:f2311");
        }
        return new FeatureRef(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** The feature's name, also its Tribuo feature name. */
    public static String name(int layer, int feature) {
        return "L" + layer + ":f" + feature;
    }

    @Override
    public String toString() {
        return name(layer, feature);
    }
}
