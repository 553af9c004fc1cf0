package io.dwcp.resilience.ratelimiter.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.testkit.InMemoryStateStore;
import io.dwcp.resilience.testkit.RecordingBundleContext;
import io.dwcp.resilience.testkit.RecordingEventAdmin;
import io.dwcp.resilience.testkit.RecordingLogger;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The configuration behaviour every rate-limit PID shares through the stage kit (issue 13, items
 * 3 to 5): a malformed value is refused with PID, key and reason and the previous settings stay;
 * a refused {@code dwcp.operation} never moves the registered stage; a same-values
 * reconfiguration does nothing; an unknown key is warned about, naming the file; and the stage
 * shows its configured figures before its first call.
 */
class RateLimitConfigurationTest {

    private final RecordingLogger log = new RecordingLogger();
    private final RecordingEventAdmin events = new RecordingEventAdmin();
    private final RecordingBundleContext bundle = new RecordingBundleContext();
    private final ManualTimeSource clock = new ManualTimeSource();

    /** PID, a new stage, a malformed value of one of its keys. */
    static Stream<Arguments> pids() {
        return Stream.of(
                Arguments.of(TokenBucketSettings.PID, (Supplier<AbstractRateLimitStage<?, ?>>) TokenBucketStage::new,
                        "rate", "lots", "rate"),
                Arguments.of(AdaptiveRateSettings.PID, (Supplier<AbstractRateLimitStage<?, ?>>) AdaptiveRateStage::new,
                        "target.p95.ms", "x", "rate"),
                Arguments.of(ConcurrencyLimitSettings.PID,
                        (Supplier<AbstractRateLimitStage<?, ?>>) ConcurrencyLimitStage::new, "window.min.ms", "-1",
                        "limit"));
    }

    private AbstractRateLimitStage<?, ?> start(Supplier<AbstractRateLimitStage<?, ?>> make, Map<String, Object> config) {
        AbstractRateLimitStage<?, ?> stage = make.get();
        stage.setServices(log.logger(), events);
        stage.stateStore = new InMemoryStateStore();
        stage.timeSource = clock;
        stage.activate(bundle.context(), config);
        return stage;
    }

    private static Map<String, Object> config(String pid, Object... keyValues) {
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", pid + "~send");
        p.put("service.factoryPid", pid);
        p.put("felix.fileinstall.filename", "file:/etc/" + pid + "-send.cfg");
        p.put("dwcp.operation", "send");
        p.put("service.ranking", "5");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put((String) keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pids")
    void aMalformedValueIsRefusedWithPidKeyAndReasonAndThePreviousSettingsStay(String pid,
            Supplier<AbstractRateLimitStage<?, ?>> make, String key, String bad, String figure) {
        AbstractRateLimitStage<?, ?> stage = start(make, config(pid));
        Object before = stage.settings();
        stage.modified(config(pid, key, bad));
        assertSame(before, stage.settings(), "the previous settings stay in force");
        String error = log.at("error").get(0);
        assertTrue(error.contains("configuration " + pid + "~send refused: " + key + "=" + bad + ": "), error);
        assertEquals(1, events.on(ResilienceEvents.CONFIGURATION_REFUSED).size());
        assertEquals(key, events.on(ResilienceEvents.CONFIGURATION_REFUSED).get(0).getProperty(ResilienceEvents.KEY));
        stage.deactivate();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pids")
    void aRefusedOperationOrRankingNeverMovesTheStage(String pid, Supplier<AbstractRateLimitStage<?, ?>> make,
            String key, String bad, String figure) {
        AbstractRateLimitStage<?, ?> stage = start(make, config(pid));
        stage.modified(config(pid, "dwcp.operation", "snd", "service.ranking", "50"));
        stage.modified(config(pid, "dwcp.operation", "sync", "service.ranking", "50", key, bad));
        RecordingBundleContext.Registration r = bundle.only();
        assertEquals("send", r.properties().get("dwcp.operation"), "refused: the stage stays in send's chain");
        assertEquals(5, r.properties().get("service.ranking"));
        assertEquals("rate-limit", r.properties().get("dwcp.stage"));
        assertEquals(0, r.updates(), "nothing republished");
        assertEquals(2, events.on(ResilienceEvents.CONFIGURATION_REFUSED).size());

        stage.modified(config(pid, "dwcp.operation", "sync", "service.ranking", "50"));
        assertEquals("sync", r.properties().get("dwcp.operation"), "an accepted change moves it");
        assertEquals(50, r.properties().get("service.ranking"));
        stage.deactivate();
        assertTrue(r.unregistered());
        assertTrue(log.at("warn").stream().noneMatch(l -> l.contains("did not stop")),
                "the publisher stops at once: " + log.lines());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pids")
    void aSameValuesReconfigurationDoesNothing(String pid, Supplier<AbstractRateLimitStage<?, ?>> make) {
        AbstractRateLimitStage<?, ?> stage = start(make, config(pid));
        Object settings = stage.settings();
        Object limiter = stage.limiters.get("send").algorithm;
        int lines = log.lines().size();
        int posted = events.events().size();
        Map<String, Object> again = config(pid);
        again.put("felix.fileinstall.filename", "file:/etc/" + pid + "-send.cfg"); // Karaf re-reading its file
        again.put("service.ranking", 5); // the same value, typed
        stage.modified(again);
        assertSame(settings, stage.settings());
        assertSame(limiter, stage.limiters.get("send").algorithm, "no state reset");
        assertEquals(lines, log.lines().size(), "nothing logged: " + log.lines());
        assertEquals(posted, events.events().size(), "nothing posted");
        assertEquals(0, bundle.only().updates());
        stage.deactivate();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pids")
    void anUnknownKeyIsWarnedNamingTheFileAndTheKey(String pid, Supplier<AbstractRateLimitStage<?, ?>> make) {
        AbstractRateLimitStage<?, ?> stage = start(make, config(pid, "rate.limt", "5"));
        String warning = log.at("warn").get(0);
        assertTrue(warning.contains(pid + "~send (file:/etc/" + pid + "-send.cfg): unknown key 'rate.limt'"), warning);
        stage.deactivate();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pids")
    void theConfiguredFiguresShowBeforeTheFirstCall(String pid, Supplier<AbstractRateLimitStage<?, ?>> make,
            String key, String bad, String figure) {
        AbstractRateLimitStage<?, ?> stage = start(make, config(pid));
        MetricsSnapshot m = stage.metrics().get(0);
        assertEquals("send", m.operation());
        assertTrue(m.values().containsKey(figure), m.values().toString());
        assertEquals(0, m.value("granted"));
        stage.deactivate();
    }
}
