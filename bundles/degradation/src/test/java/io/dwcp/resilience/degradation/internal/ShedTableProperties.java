package io.dwcp.resilience.degradation.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.degradation.DegradationLevel;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ShedTableProperties {

    private static final List<String> OPS = List.of("consensus", "send", "sync", "receive");

    @Provide
    Arbitrary<List<Double>> probabilities() {
        return Arbitraries.of(0.0, 0.05, 0.1, 0.25, 0.5, 0.75, 1.0).list().ofMaxSize(4);
    }

    /**
     * Whatever three lists an operator writes, a table the settings accept never sheds a more
     * important operation more than a less important one, nor any operation less at a worse level.
     */
    @Property(tries = 2000)
    void everyAcceptedTableShedsLeastImportantFirstAndGrowsWithTheLevel(@ForAll("probabilities") List<Double> degraded,
            @ForAll("probabilities") List<Double> severe, @ForAll("probabilities") List<Double> emergency) {
        ShedTable table;
        try {
            table = LoadShedSettings.from(Configs.of("p", Map.of("shed_degraded", join(degraded),
                    "shed_severely_degraded", join(severe), "shed_emergency", join(emergency)))).table();
        } catch (InvalidConfigurationException refused) {
            return;
        }
        for (DegradationLevel level : DegradationLevel.values()) {
            for (int i = 1; i < OPS.size(); i++) {
                assertTrue(table.probability(OPS.get(i - 1), level) <= table.probability(OPS.get(i), level));
            }
            for (String op : OPS) {
                if (level != DegradationLevel.NORMAL) {
                    DegradationLevel better = DegradationLevel.ofOrdinal(level.ordinal() - 1);
                    assertTrue(table.probability(op, better) <= table.probability(op, level));
                }
            }
        }
        for (String op : OPS) {
            assertTrue(table.probability(op, DegradationLevel.NORMAL) == 0);
        }
    }

    private static String join(List<Double> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
