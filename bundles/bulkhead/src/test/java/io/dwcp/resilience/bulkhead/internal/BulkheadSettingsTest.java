package io.dwcp.resilience.bulkhead.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.Isolation;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BulkheadSettingsTest {

    private static ConfigReader config(String pid, Object... keysAndValues) {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return ConfigReader.of(map, pid);
    }

    @Test
    void queueDefaultsAreTheSpecifiedSendValues() {
        QueueBulkheadSettings settings = QueueBulkheadSettings.from(config(QueueBulkheadSettings.PID, "dwcp.operation", "send"));
        assertEquals(new QueueBulkheadSettings("send", 100, 200, TimeUnit.SECONDS.toNanos(5)), settings);
    }

    @Test
    void fileInstallStringsAreParsed() {
        QueueBulkheadSettings settings = QueueBulkheadSettings.from(config(QueueBulkheadSettings.PID, "dwcp.operation", " consensus ",
                "max.concurrent.calls", "20", "queue.capacity", " 50", "max.wait.ms", "15000"));
        assertEquals(new QueueBulkheadSettings("consensus", 20, 50, TimeUnit.SECONDS.toNanos(15)), settings);
    }

    @Test
    void typedValuesAreParsed() {
        ThreadPoolBulkheadSettings settings = ThreadPoolBulkheadSettings.from(config(ThreadPoolBulkheadSettings.PID, "dwcp.operation", "sync",
                "core.threads", 2, "max.threads", 8L, "queue.capacity", 10, "keep.alive.ms", 100L,
                "shutdown.grace.ms", 0));
        assertEquals(new ThreadPoolBulkheadSettings("sync", 2, 8, 10, TimeUnit.MILLISECONDS.toNanos(100), 0), settings);
    }

    @Test
    void starMeansEveryOperation() {
        assertEquals("*", SemaphoreBulkheadSettings.from(config(SemaphoreBulkheadSettings.PID, "dwcp.operation", "*")).operation());
    }

    @Test
    void scopeAndMaxPeersAreReadAndRefusedThroughTheMetatypeInEveryBulkhead() {
        assertEquals(new Isolation(Isolation.Scope.PEER, 3), SemaphoreBulkheadSettings.from(config(SemaphoreBulkheadSettings.PID,
                "scope", "Peer", "max.peers", "3")).isolation());
        for (String pid : new String[] { SemaphoreBulkheadSettings.PID, QueueBulkheadSettings.PID, ThreadPoolBulkheadSettings.PID }) {
            InvalidConfigurationException scope = assertThrows(InvalidConfigurationException.class,
                    () -> from(pid, config(pid, "scope", "node")));
            assertEquals("scope", scope.key());
            assertEquals("must be one of operation, peer", scope.reason());
            InvalidConfigurationException peers = assertThrows(InvalidConfigurationException.class,
                    () -> from(pid, config(pid, "max.peers", "100001")));
            assertEquals("max.peers", peers.key());
            assertEquals("must be between 1 and 100000", peers.reason());
        }
    }

    private static BulkheadSettings from(String pid, ConfigReader config) {
        return pid.equals(SemaphoreBulkheadSettings.PID) ? SemaphoreBulkheadSettings.from(config)
                : pid.equals(QueueBulkheadSettings.PID) ? QueueBulkheadSettings.from(config) : ThreadPoolBulkheadSettings.from(config);
    }

    @Test
    void refusalNamesTheFactoryConfigurationsPidKeyValueAndReason() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> QueueBulkheadSettings.from(config(QueueBulkheadSettings.PID, "service.pid", "dwcp.bulkhead.queue~send",
                        "dwcp.operation", "send", "max.concurrent.calls", "-5")));
        assertEquals("dwcp.bulkhead.queue~send", e.pid());
        assertEquals("max.concurrent.calls", e.key());
        assertTrue(e.getMessage().contains("max.concurrent.calls=-5"), e.getMessage());
        assertTrue(e.getMessage().contains("between 1 and"), e.getMessage());
    }

    @Test
    void withoutServicePidTheFactoryPidIsNamed() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> SemaphoreBulkheadSettings.from(config(SemaphoreBulkheadSettings.PID, "dwcp.operation", "send", "max.concurrent.calls", 0)));
        assertEquals("dwcp.bulkhead.semaphore", e.pid());
    }

    @Test
    void badValuesAreRefusedWithTheirKey() {
        assertRefused("max.concurrent.calls", "not a whole number",
                () -> QueueBulkheadSettings.from(config(QueueBulkheadSettings.PID, "dwcp.operation", "send", "max.concurrent.calls", "many")));
        assertRefused("max.concurrent.calls", "not a whole number",
                () -> QueueBulkheadSettings.from(config(QueueBulkheadSettings.PID, "dwcp.operation", "send", "max.concurrent.calls", Double.NaN)));
        assertRefused("max.concurrent.calls", "between 1 and 1000000",
                () -> QueueBulkheadSettings.from(config(QueueBulkheadSettings.PID, "dwcp.operation", "send", "max.concurrent.calls", "99999999999")));
        assertRefused("max.concurrent.calls", "not a whole number",
                () -> QueueBulkheadSettings.from(config(QueueBulkheadSettings.PID, "dwcp.operation", "send", "max.concurrent.calls", "2.5")));
        assertRefused("queue.capacity", "between 0 and",
                () -> QueueBulkheadSettings.from(config(QueueBulkheadSettings.PID, "dwcp.operation", "send", "queue.capacity", -1)));
        assertRefused("max.wait.ms", "between 0 and",
                () -> QueueBulkheadSettings.from(config(QueueBulkheadSettings.PID, "dwcp.operation", "send", "max.wait.ms", -1)));
        assertRefused("max.wait.ms", "between 0 and",
                () -> QueueBulkheadSettings.from(config(QueueBulkheadSettings.PID, "dwcp.operation", "send", "max.wait.ms", "3600001")));
        assertRefused("queue.capacity", "between 1 and",
                () -> ThreadPoolBulkheadSettings.from(config(ThreadPoolBulkheadSettings.PID, "dwcp.operation", "send", "queue.capacity", 0)));
        assertRefused("keep.alive.ms", "between 0 and",
                () -> ThreadPoolBulkheadSettings.from(config(ThreadPoolBulkheadSettings.PID, "dwcp.operation", "send", "keep.alive.ms", -1)));
        assertRefused("max.threads", "between 1 and",
                () -> ThreadPoolBulkheadSettings.from(config(ThreadPoolBulkheadSettings.PID, "dwcp.operation", "send", "max.threads", 1001)));
    }

    @Test
    void coreAboveMaxIsRefused() {
        assertRefused("core.threads", "must not exceed max.threads (4)",
                () -> ThreadPoolBulkheadSettings.from(config(ThreadPoolBulkheadSettings.PID, "dwcp.operation", "send", "core.threads", 5,
                        "max.threads", 4)));
    }

    @Test
    void operationDefaultsToEveryOperationAndIsSingleAndValid() {
        assertEquals("*", SemaphoreBulkheadSettings.from(config(SemaphoreBulkheadSettings.PID, "max.concurrent.calls", 3))
                .operation());
        assertRefused("dwcp.operation", "invalid operation name",
                () -> SemaphoreBulkheadSettings.from(config(SemaphoreBulkheadSettings.PID, "dwcp.operation", "Send!")));
        assertRefused("dwcp.operation", "invalid operation name",
                () -> SemaphoreBulkheadSettings.from(config(SemaphoreBulkheadSettings.PID, "dwcp.operation", "send,receive")));
        assertRefused("dwcp.operation", "expected one value, not a list",
                () -> SemaphoreBulkheadSettings.from(config(SemaphoreBulkheadSettings.PID, "dwcp.operation", new String[] {"send", "sync"})));
    }

    private static void assertRefused(String key, String reason, Runnable parse) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, parse::run);
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertTrue(e.getMessage().contains("the previous configuration stays in force"), e.getMessage());
    }
}
