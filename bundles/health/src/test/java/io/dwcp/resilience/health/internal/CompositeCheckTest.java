package io.dwcp.resilience.health.internal;

import static io.dwcp.resilience.api.health.HealthStatus.DEGRADED;
import static io.dwcp.resilience.api.health.HealthStatus.HEALTHY;
import static io.dwcp.resilience.api.health.HealthStatus.UNHEALTHY;
import static io.dwcp.resilience.api.health.HealthStatus.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.health.HealthResult;
import io.dwcp.resilience.api.health.HealthStatus;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CompositeCheckTest {

    private final ManualTimeSource clock = new ManualTimeSource();

    private CompositeCheck composite(String require, int k) {
        return new CompositeCheck(clock, CompositeSettings.from(Configs.of("dwcp.health.composite~c", Map.of("dwcp_health_check", "c", "children", "a, b ,c1", "require", require, "k", k))));
    }

    private static HealthResult evaluate(CompositeCheck check, HealthStatus a, HealthStatus b, HealthStatus c1) {
        Map<String, HealthStatus> statuses = new HashMap<>();
        if (a != null) {
            statuses.put("a", a);
        }
        statuses.put("b", b);
        statuses.put("c1", c1);
        return check.evaluate(name -> Optional.ofNullable(statuses.get(name)));
    }

    @Test
    void allNeedsEveryChild() {
        CompositeCheck all = composite("all", 1);
        assertEquals(HEALTHY, evaluate(all, HEALTHY, HEALTHY, HEALTHY).status());
        assertEquals(DEGRADED, evaluate(all, HEALTHY, DEGRADED, HEALTHY).status());
        assertEquals(UNHEALTHY, evaluate(all, HEALTHY, UNHEALTHY, HEALTHY).status());
        assertEquals(UNKNOWN, evaluate(all, HEALTHY, UNKNOWN, HEALTHY).status(), "could still pass once b runs");
    }

    @Test
    void anyNeedsOneChild() {
        CompositeCheck any = composite("any", 1);
        assertEquals(HEALTHY, evaluate(any, UNHEALTHY, UNHEALTHY, HEALTHY).status());
        assertEquals(DEGRADED, evaluate(any, UNHEALTHY, DEGRADED, UNHEALTHY).status());
        assertEquals(UNHEALTHY, evaluate(any, UNHEALTHY, UNHEALTHY, UNHEALTHY).status());
    }

    @Test
    void atLeastKCountsPassingChildren() {
        CompositeCheck two = composite("at.least", 2);
        assertEquals(HEALTHY, evaluate(two, HEALTHY, UNHEALTHY, HEALTHY).status());
        assertEquals(DEGRADED, evaluate(two, HEALTHY, UNHEALTHY, DEGRADED).status());
        assertEquals(UNKNOWN, evaluate(two, HEALTHY, UNHEALTHY, UNKNOWN).status());
        assertEquals(UNHEALTHY, evaluate(two, HEALTHY, UNHEALTHY, UNHEALTHY).status());
    }

    @Test
    void aMissingChildFailsAndIsNamed() {
        HealthResult result = evaluate(composite("all", 1), null, HEALTHY, HEALTHY);
        assertEquals(UNHEALTHY, result.status());
        assertTrue(result.message().contains("a (not registered)"), result.message());
    }

    @Test
    void refusesBadSettings() {
        assertEquals("k", assertThrows(InvalidConfigurationException.class, () -> composite("at.least", 4)).key());
        assertEquals("children", assertThrows(InvalidConfigurationException.class,
                () -> CompositeSettings.from(Configs.of("p", Map.of("dwcp_health_check", "c", "children", " , ")))).key());
        assertEquals("children", assertThrows(InvalidConfigurationException.class,
                () -> CompositeSettings.from(Configs.of("p", Map.of("dwcp_health_check", "c", "children", "a,c")))).key());
    }
}
