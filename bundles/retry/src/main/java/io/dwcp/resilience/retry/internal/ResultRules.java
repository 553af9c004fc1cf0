package io.dwcp.resilience.retry.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Simple rules that make a returned result worth another attempt, from the
 * {@code retry.on.results} configuration key (comma-separated):
 * <ul>
 *   <li>{@code null} — the result is null;</li>
 *   <li>{@code false} — the result is {@link Boolean#FALSE};</li>
 *   <li>{@code empty} — an empty Optional, collection, map, character sequence or array;</li>
 *   <li>{@code instanceof:<class name>} — the result's class, a superclass or an interface has that name;</li>
 *   <li>{@code equals:<text>} — {@code String.valueOf(result)} equals the text.</li>
 * </ul>
 * A result predicate service (see {@code RetryStage}) can add any other rule.
 */
final class ResultRules {

    /** Never retry on a result. */
    static final ResultRules NONE = new ResultRules(new Rule[0]);

    private enum Kind { NULL, FALSE, EMPTY, INSTANCE_OF, EQUALS }

    private static final class Rule {
        final Kind kind;
        final String argument;

        Rule(Kind kind, String argument) {
            this.kind = kind;
            this.argument = argument;
        }

        @Override
        public String toString() {
            return kind == Kind.INSTANCE_OF ? "instanceof:" + argument
                    : kind == Kind.EQUALS ? "equals:" + argument : kind.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Rule[] rules;

    private ResultRules(Rule[] rules) {
        this.rules = rules;
    }

    /**
     * @param pid   the configuration PID, for the error
     * @param key   the configuration key, for the error
     * @param specs the rules as written in the configuration
     * @return the parsed rules
     * @throws InvalidConfigurationException for an unknown rule
     */
    static ResultRules parse(String pid, String key, List<String> specs) {
        List<Rule> rules = new ArrayList<>();
        for (String spec : specs) {
            if (spec.equals("null")) {
                rules.add(new Rule(Kind.NULL, ""));
            } else if (spec.equals("false")) {
                rules.add(new Rule(Kind.FALSE, ""));
            } else if (spec.equals("empty")) {
                rules.add(new Rule(Kind.EMPTY, ""));
            } else if (spec.startsWith("instanceof:") && spec.length() > "instanceof:".length()) {
                rules.add(new Rule(Kind.INSTANCE_OF, spec.substring("instanceof:".length()).trim()));
            } else if (spec.startsWith("equals:")) {
                rules.add(new Rule(Kind.EQUALS, spec.substring("equals:".length())));
            } else {
                throw new InvalidConfigurationException(pid, key, spec,
                        "unknown result rule; use null, false, empty, instanceof:<class name> or equals:<text>");
            }
        }
        return rules.isEmpty() ? NONE : new ResultRules(rules.toArray(new Rule[0]));
    }

    /** @return whether there is no rule */
    boolean isEmpty() {
        return rules.length == 0;
    }

    /** @return whether any rule asks for another attempt after {@code result} */
    boolean matches(Object result) {
        for (Rule rule : rules) {
            if (matches(rule, result)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(Rule rule, Object result) {
        switch (rule.kind) {
            case NULL:
                return result == null;
            case FALSE:
                return Boolean.FALSE.equals(result);
            case EMPTY:
                return isEmpty(result);
            case INSTANCE_OF:
                return result != null && isInstanceOf(result.getClass(), rule.argument);
            case EQUALS:
                return result != null && String.valueOf(result).equals(rule.argument);
            default:
                throw new AssertionError(rule.kind);
        }
    }

    private static boolean isEmpty(Object result) {
        if (result instanceof Optional) {
            return ((Optional<?>) result).isEmpty();
        }
        if (result instanceof Collection) {
            return ((Collection<?>) result).isEmpty();
        }
        if (result instanceof Map) {
            return ((Map<?, ?>) result).isEmpty();
        }
        if (result instanceof CharSequence) {
            return ((CharSequence) result).length() == 0;
        }
        return result != null && result.getClass().isArray() && Array.getLength(result) == 0;
    }

    private static boolean isInstanceOf(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(name) || implementsNamed(c.getInterfaces(), name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean implementsNamed(Class<?>[] interfaces, String name) {
        for (Class<?> i : interfaces) {
            if (i.getName().equals(name) || implementsNamed(i.getInterfaces(), name)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return java.util.Arrays.toString(rules);
    }
}
