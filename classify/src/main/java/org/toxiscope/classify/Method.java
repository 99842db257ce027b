package org.toxiscope.classify;

import java.util.Arrays;
import java.util.Locale;

/** How a classifier decides: the report's feature rule, or a linear model trained with Tribuo. */
public enum Method {
    RULE, LOGREG, SVM;

    /** The CLI and bundle spelling: {@code rule}, {@code logreg}, {@code svm}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Method parse(String s) {
        for (Method m : values()) {
            if (m.id().equalsIgnoreCase(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown method '" + s + "'; use one of "
                + Arrays.stream(values()).map(Method::id).toList());
    }
}
