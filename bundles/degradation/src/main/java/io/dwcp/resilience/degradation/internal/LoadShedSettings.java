package io.dwcp.resilience.degradation.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.Operations;
import io.dwcp.resilience.api.degradation.DegradationLevel;
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredComponent;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The validated settings of a load-shedding stage.
 *
 * @param operation the operation served, or {@code *}
 * @param table     the shedding table
 */
record LoadShedSettings(String operation, ShedTable table) implements ConfiguredComponent.Scoped {

    /** The factory PID. */
    static final String PID = "dwcp.loadshed";

    private static final String[] LEVEL_KEYS = {null, "shed.degraded", "shed.severely.degraded", "shed.emergency"};

    /** Reads through the Metatype {@link LoadShedConfig}, whose defaults are the only ones, with the kit's refusals. */
    static LoadShedSettings from(ConfigReader in) {
        String pid = in.pid();
        LoadShedConfig config = in.typed(LoadShedConfig.class);
        String operation = config.dwcp_operation();
        Set<String> priorities = new LinkedHashSet<>();
        String listed = String.join(",", config.priorities());
        for (String op : config.priorities()) {
            try {
                Operations.validate(op);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException(pid, "priorities", listed, e.getMessage());
            }
            if (!priorities.add(op)) {
                throw new InvalidConfigurationException(pid, "priorities", listed, "'" + op + "' is listed twice");
            }
        }
        if (priorities.isEmpty()) {
            throw new InvalidConfigurationException(pid, "priorities", listed, "name at least one operation");
        }
        // each probability in [0, 1]: the Metatype's bounds
        double[][] byLevel = {new double[0], config.shed_degraded(), config.shed_severely_degraded(), config.shed_emergency()};
        for (int level = 1; level < byLevel.length; level++) {
            probabilities(pid, LEVEL_KEYS[level], byLevel[level], priorities.size());
        }
        for (int level = 2; level < byLevel.length; level++) {
            for (int i = 0; i < priorities.size(); i++) {
                double here = i < byLevel[level].length ? byLevel[level][i] : 0;
                double better = i < byLevel[level - 1].length ? byLevel[level - 1][i] : 0;
                if (here < better) {
                    throw new InvalidConfigurationException(pid, LEVEL_KEYS[level], text(byLevel[level]), "sheds the " + ordinal(i + 1)
                            + "least important operation less (" + here + ") than " + LEVEL_KEYS[level - 1] + " does ("
                            + better + "): shedding must not shrink as the level worsens");
                }
            }
        }
        return new LoadShedSettings(operation, new ShedTable(List.copyOf(priorities), byLevel));
    }

    private static void probabilities(String pid, String key, double[] p, int ranks) {
        if (p.length > ranks) {
            throw new InvalidConfigurationException(pid, key, text(p), p.length + " probabilities for " + ranks + " ranked operations");
        }
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[i - 1]) {
                throw new InvalidConfigurationException(pid, key, text(p), "the list goes from the least important operation up, so it "
                        + "must not increase: a more important operation is never shed more than a less important one");
            }
        }
    }

    private static String text(double[] p) {
        return Arrays.stream(p).mapToObj(Double::toString).collect(Collectors.joining(","));
    }

    private static String ordinal(int n) {
        return n == 1 ? "" : n == 2 ? "2nd " : n == 3 ? "3rd " : n + "th ";
    }
}
