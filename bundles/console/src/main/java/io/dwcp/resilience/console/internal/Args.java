package io.dwcp.resilience.console.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command's arguments: positionals and {@code --name value} options, checked against the options
 * the command knows, so a typo is answered with a reason instead of being ignored.
 */
final class Args {

    private final List<String> positionals = new ArrayList<>();
    private final Map<String, String> options = new LinkedHashMap<>();

    private Args() {
    }

    /**
     * The commands take {@code Object...}, not {@code String...}, for one reason: Gogo expands an
     * unquoted {@code *} or {@code ?} into the names of the files of the shell's current directory and
     * passes them as one list, which a {@code String} parameter would receive as its printed form
     * ({@code ["conf" "data"]}) and a command would take as a name. A list is refused here instead.
     *
     * @param args    what the shell passed
     * @param known   the option names the command accepts (without the dashes)
     * @return the parsed arguments
     * @throws UsageException for an unknown option, an option without its value, or a glob the shell expanded
     */
    static Args parse(Object[] args, Set<String> known) {
        Args a = new Args();
        String[] in = new String[args == null ? 0 : args.length];
        for (int i = 0; i < in.length; i++) {
            if (args[i] instanceof java.util.Collection<?> expanded) {
                throw new UsageException("the shell expanded an unquoted * or ? into " + expanded.size()
                        + " file name" + (expanded.size() == 1 ? "" : "s") + " of its current directory " + expanded
                        + ": quote the argument, e.g. '*'");
            }
            in[i] = String.valueOf(args[i]);
        }
        for (int i = 0; i < in.length; i++) {
            String s = in[i];
            if (s.startsWith("--") && s.length() > 2) {
                String name = s.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq > 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (!known.contains(name)) {
                    throw new UsageException("unknown option --" + name
                            + (known.isEmpty() ? ": this command takes none" : ": expected one of --" + String.join(", --", known)));
                }
                if (value == null) {
                    if (i + 1 >= in.length) {
                        throw new UsageException("option --" + name + " needs a value");
                    }
                    value = String.valueOf(in[++i]);
                }
                if (a.options.put(name, value) != null) {
                    throw new UsageException("option --" + name + " given twice");
                }
            } else {
                a.positionals.add(s);
            }
        }
        return a;
    }

    /** @return the positional arguments in order */
    List<String> positionals() {
        return positionals;
    }

    /**
     * @param min fewest positionals accepted
     * @param max most positionals accepted
     * @return this
     * @throws UsageException when the count is outside [min, max]
     */
    Args expect(int min, int max) {
        int n = positionals.size();
        if (n < min) {
            throw new UsageException(min == max ? "expected " + min + " argument" + (min == 1 ? "" : "s") + ", got " + n
                    : "expected at least " + min + " argument" + (min == 1 ? "" : "s") + ", got " + n);
        }
        if (n > max) {
            throw new UsageException("unexpected argument '" + positionals.get(max) + "'");
        }
        return this;
    }

    /** @return the i-th positional, or {@code fallback} when there are fewer */
    String positional(int i, String fallback) {
        return i < positionals.size() ? positionals.get(i) : fallback;
    }

    /** @return whether --name was given */
    boolean has(String name) {
        return options.containsKey(name);
    }

    /** @return the value of --name, or null */
    String option(String name) {
        return options.get(name);
    }

    /** @return --name as a positive duration, or {@code fallback} when absent */
    Duration duration(String name, Duration fallback) {
        String v = options.get(name);
        return v == null ? fallback : Durations.parse(v, "--" + name);
    }

    /**
     * @return --name as a duration of at least {@code min}, or {@code fallback} when absent; for a
     *         reporting period, where a tiny one would flood the console with progress lines
     */
    Duration duration(String name, Duration fallback, Duration min) {
        Duration d = duration(name, fallback);
        if (d != null && d.compareTo(min) < 0) {
            throw new UsageException("--" + name + " " + options.get(name) + " is shorter than " + Durations.format(min));
        }
        return d;
    }

    /** @return --name as a number in [min, max], or null when absent */
    Double number(String name, double min, double max) {
        String v = options.get(name);
        if (v == null) {
            return null;
        }
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " '" + v + "' is not a number");
        }
        if (!(d >= min && d <= max)) {
            throw new UsageException("--" + name + " " + v + " is outside [" + fmt(min) + ", " + fmt(max) + "]");
        }
        return d;
    }

    /** @return --name as a comma-separated list, empty when absent */
    List<String> list(String name) {
        String v = options.get(name);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        for (String part : v.split(",")) {
            String t = part.trim();
            if (t.isEmpty()) {
                throw new UsageException("--" + name + " '" + v + "' has an empty item");
            }
            out.add(t);
        }
        return out;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
