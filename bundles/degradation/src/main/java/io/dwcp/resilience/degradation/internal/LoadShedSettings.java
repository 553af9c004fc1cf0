package io.dwcp.resilience.degradation.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.Operations;
import io.dwcp.resilience.api.degradation.DegradationLevel;
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredComponent;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

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
        for (String op : KeyValues.list(config.priorities())) {
            try {
                Operations.validate(op);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException(pid, "priorities", config.priorities(), e.getMessage());
            }
            if (!priorities.add(op)) {
                throw new InvalidConfigurationException(pid, "priorities", config.priorities(), "'" + op + "' is listed twice");
            }
        }
        if (priorities.isEmpty()) {
            throw new InvalidConfigurationException(pid, "priorities", config.priorities(), "name at least one operation");
        }
        String[] raw = {null, config.shed_degraded(), config.shed_severely_degraded(), config.shed_emergency()};
        double[][] byLevel = new double[DegradationLevel.values().length][];
        byLevel[0] = new double[0];
        for (int level = 1; level < byLevel.length; level++) {
            byLevel[level] = probabilities(pid, LEVEL_KEYS[level], raw[level], priorities.size());
        }
        for (int level = 2; level < byLevel.length; level++) {
            for (int i = 0; i < priorities.size(); i++) {
                double here = i < byLevel[level].length ? byLevel[level][i] : 0;
                double better = i < byLevel[level - 1].length ? byLevel[level - 1][i] : 0;
                if (here < better) {
                    throw new InvalidConfigurationException(pid, LEVEL_KEYS[level], raw[level], "sheds the " + ordinal(i + 1)
                            + "least important operation less (" + here + ") than " + LEVEL_KEYS[level - 1] + " does ("
                            + better + "): shedding must not shrink as the level worsens");
                }
            }
        }
        return new LoadShedSettings(operation, new ShedTable(List.copyOf(priorities), byLevel));
    }

    private static double[] probabilities(String pid, String key, String raw, int ranks) {
        List<String> items = KeyValues.list(raw);
        if (items.size() > ranks) {
            throw new InvalidConfigurationException(pid, key, raw, items.size() + " probabilities for " + ranks + " ranked operations");
        }
        double[] p = new double[items.size()];
        for (int i = 0; i < p.length; i++) {
            try {
                p[i] = Double.parseDouble(items.get(i));
            } catch (NumberFormatException e) {
                throw new InvalidConfigurationException(pid, key, raw, "'" + items.get(i) + "' is not a number");
            }
            if (!(p[i] >= 0 && p[i] <= 1)) {
                throw new InvalidConfigurationException(pid, key, raw, p[i] + " is not a probability between 0 and 1");
            }
            if (i > 0 && p[i] > p[i - 1]) {
                throw new InvalidConfigurationException(pid, key, raw, "the list goes from the least important operation up, so it "
                        + "must not increase: a more important operation is never shed more than a less important one");
            }
        }
        return p;
    }

    private static String ordinal(int n) {
        return n == 1 ? "" : n == 2 ? "2nd " : n == 3 ? "3rd " : n + "th ";
    }
}
