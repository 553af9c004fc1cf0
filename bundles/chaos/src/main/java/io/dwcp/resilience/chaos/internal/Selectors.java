package io.dwcp.resilience.chaos.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parsing and checking of scopes ({@code send,sync} or {@code *}) and injector selections
 * ({@code latency:3,error:1}). A scope of {@code null} means "everything".
 */
final class Selectors {

    /** A scope element that matches everything. */
    static final String ANY = "*";

    /** Injector names follow the rule of operation names. */
    private static final Pattern INJECTOR_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private Selectors() {
    }

    /**
     * @param text comma-separated elements, {@code *} or blank for all
     * @return the elements, or {@code null} for all
     */
    static Set<String> parseScope(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        Set<String> elements = new LinkedHashSet<>();
        for (String part : text.split(",", -1)) {
            String element = part.trim();
            if (element.isEmpty()) {
                throw new IllegalArgumentException("empty element in '" + text + "'");
            }
            if (ANY.equals(element)) {
                return null;
            }
            elements.add(element);
        }
        return Collections.unmodifiableSet(elements);
    }

    /**
     * @param text comma-separated {@code name[:weight]}, blank for every registered injector
     * @return name to weight in the given order; empty for every registered injector
     */
    static Map<String, Double> parseWeights(String text) {
        Map<String, Double> weights = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return weights;
        }
        for (String part : text.split(",", -1)) {
            String pair = part.trim();
            int colon = pair.indexOf(':');
            String name = (colon < 0 ? pair : pair.substring(0, colon)).trim();
            double weight = 1.0;
            if (colon >= 0) {
                String w = pair.substring(colon + 1).trim();
                try {
                    weight = Double.parseDouble(w);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("weight '" + w + "' of injector '" + name + "' is not a number");
                }
            }
            checkInjector(name, weight);
            if (weights.put(name, weight) != null) {
                throw new IllegalArgumentException("injector '" + name + "' is listed twice");
            }
        }
        return weights;
    }

    /**
     * @param name   an injector name
     * @param weight its weight
     * @throws IllegalArgumentException for a malformed name or a weight that is not positive and finite
     */
    static void checkInjector(String name, Double weight) {
        if (name == null || !INJECTOR_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid injector name '" + name
                    + "': expected 1-64 characters of [a-z0-9._-], starting with a letter or digit");
        }
        if (weight == null || !(weight > 0) || weight.isInfinite()) {
            throw new IllegalArgumentException("weight " + weight + " of injector '" + name
                    + "' must be a positive finite number");
        }
    }

    /** @return the scope as a list for a status, {@code *} for all */
    static List<String> describe(Set<String> scope) {
        return scope == null ? List.of(ANY) : new ArrayList<>(scope);
    }
}
