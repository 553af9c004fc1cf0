package io.dwcp.resilience.degradation.internal;

import java.util.regex.Pattern;

/** The rule for feature names. */
final class FeatureNames {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private FeatureNames() {
    }

    /**
     * @param name a feature name
     * @return it
     * @throws IllegalArgumentException unless 1-64 of [A-Za-z0-9._-] starting with a letter or digit
     */
    static String validate(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid feature name '" + name
                    + "': expected 1-64 characters of [A-Za-z0-9._-], starting with a letter or digit");
        }
        return name;
    }
}
