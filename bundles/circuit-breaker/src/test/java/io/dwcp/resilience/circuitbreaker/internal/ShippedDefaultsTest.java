package io.dwcp.resilience.circuitbreaker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dwcp.resilience.kit.ConfigReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The .cfg files the runtime ships are valid and carry the specified values. */
class ShippedDefaultsTest {

    private static final Path CONF = Path.of("..", "..", "runtime", "conf");

    private static CircuitBreakerSettings load(String operation) throws IOException {
        // ConfigAdmin names the factory configuration <factoryPid>~<name>; FileInstall reads it from <factoryPid>-<name>.cfg
        String pid = "dwcp.circuitbreaker~" + operation;
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(CONF.resolve("dwcp.circuitbreaker-" + operation + ".cfg"),
                StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, Object> values = new HashMap<>();
        p.forEach((k, v) -> values.put((String) k, v));
        return CircuitBreakerSettings.from(new ConfigReader(pid, values));
    }

    @ParameterizedTest
    @ValueSource(strings = { "send", "receive", "sync", "consensus" })
    void eachOperationShipsAValidConfigurationForItself(String operation) throws IOException {
        assertEquals(operation, load(operation).operation());
    }

    @Test
    void sendShipsTheSpecifiedDefaults() throws IOException {
        CircuitBreakerSettings send = load("send");
        assertEquals(5, send.consecutiveFailureThreshold());
        assertEquals(TimeUnit.SECONDS.toNanos(60), send.resetTimeoutNanos());
        assertEquals(TimeUnit.SECONDS.toNanos(30), send.slowCallDurationNanos());
    }
}
