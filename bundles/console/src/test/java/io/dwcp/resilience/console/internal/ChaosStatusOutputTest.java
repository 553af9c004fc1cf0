package io.dwcp.resilience.console.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.chaos.ArmRequest;
import io.dwcp.resilience.api.chaos.ChaosControl;
import io.dwcp.resilience.api.chaos.ChaosStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code dwcp:chaos status} of an engine armed with one injector that was then uninstalled (issue 12
 * item 7): the operator reads that it injects nothing, and which selected injector is gone; before,
 * the status said "armed" and listed nothing.
 */
class ChaosStatusOutputTest {

    private static ChaosStatus armedWith(List<String> available) {
        return new ChaosStatus(true, true, 1_000L, 3_600_000L, "game day", 1.0, List.of("*"), List.of("*"),
                Map.of("acme-drop", 1.0), available, Map.of("acme-drop", 12L), 1, 0, 0);
    }

    private static String status(ChaosStatus s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ChaosControl control = new ChaosControl() {
            @Override
            public ChaosStatus arm(ArmRequest request) {
                throw new UnsupportedOperationException();
            }

            @Override
            public ChaosStatus disarm(String reason) {
                throw new UnsupportedOperationException();
            }

            @Override
            public ChaosStatus status() {
                return s;
            }
        };
        new DwcpCommands(null, null, null, null, control, new PrintStream(bytes, true, StandardCharsets.UTF_8))
                .chaos("status");
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anArmedEngineWhoseOnlyInjectorWasUninstalledSaysItInjectsNothing() {
        String out = status(armedWith(List.of("latency")));
        assertTrue(out.contains("IDLE         injects nothing: none of its injectors acme-drop is registered"), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("acme-drop") && l.contains("NOT REGISTERED")), out);
    }

    @Test
    void anArmedEngineWithItsInjectorIsNotIdle() {
        String out = status(armedWith(List.of("acme-drop")));
        assertFalse(out.contains("IDLE"), out);
        assertFalse(out.contains("NOT REGISTERED"), out);
    }
}
