package io.dwcp.resilience.kit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.testkit.RecordingEventAdmin;
import io.dwcp.resilience.testkit.RecordingLogger;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

class KitTest {

    @interface Typed {
        int max_operations() default 256;
        String missing_stage_policy() default "bypass";
        String[] names() default {};
        double ratio$_$x() default 0.5;
        boolean enabled() default true;
    }

    @Test
    void typedViewReadsKeysByTheDsNameMappingWithDefaults() {
        Typed t = new ConfigReader("dwcp.manager", Map.of("max.operations", "12", "names", "a, b",
                "ratio-x", 0.25)).typed(Typed.class);
        assertEquals(12, t.max_operations());
        assertEquals("bypass", t.missing_stage_policy());
        assertArrayEquals(new String[] { "a", "b" }, t.names());
        assertEquals(0.25, t.ratio$_$x());
        assertTrue(t.enabled());
    }

    @Test
    void anUnparsableTypedValueIsRefusedWithPidKeyValueAndReasonBeforeAnyIsUsed() {
        ConfigReader in = new ConfigReader("dwcp.manager", Map.of("max.operations", "lots"));
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> in.typed(Typed.class));
        assertEquals("dwcp.manager", e.pid());
        assertEquals("max.operations", e.key());
        assertEquals("lots", e.value());
        assertEquals("not a whole number", e.reason());
        assertEquals("enabled", assertThrows(InvalidConfigurationException.class,
                () -> new ConfigReader("dwcp.manager", Map.of("enabled", "yes")).typed(Typed.class)).key());
    }

    /** Its Metatype is src/test/resources/OSGI-INF/metatype/dwcp.bounded.xml, as bnd writes one. */
    @interface Bounded {
        String dwcp_operation() default "*";
        long window_ms() default 1000;
        double ratio() default 0.5;
        String mode() default "fixed";
        int[] sizes() default { 1 };
        String secret() default "";
    }

    @Test
    void aTypedViewChecksTheBoundsAndOptionsOfTheGeneratedMetatype() {
        Map<String, String> refusals = Map.of("window.ms", "99", "ratio", "1.5", "mode", "wavy", "sizes", "1, 0",
                "dwcp.operation", "snd");
        Map<String, String> reasons = Map.of("window.ms", "must be between 100 and 3600000",
                "ratio", "must be at most 1", "mode", "must be one of fixed, adaptive-p95", "sizes", "must be at least 1");
        refusals.forEach((key, value) -> {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                    () -> new ConfigReader("dwcp.bounded~send", Map.of(key, value)).typed(Bounded.class));
            assertEquals(key, e.key());
            if (reasons.containsKey(key)) {
                assertEquals(reasons.get(key), e.reason());
                assertEquals("configuration dwcp.bounded~send refused: " + key + "=" + value + ": " + reasons.get(key)
                        + "; the previous configuration stays in force", e.getMessage());
            }
        });
        Bounded b = new ConfigReader("dwcp.bounded~send", Map.of("mode", "Adaptive_P95", "window.ms", "100",
                "dwcp.operation", "send", "secret", "hunter2")).typed(Bounded.class);
        assertEquals("hunter2", b.secret());
        assertFalse(b.toString().contains("hunter2"), b.toString()); // a Password attribute is not shown
        assertEquals("Adaptive_P95", b.mode());
        assertEquals(100, b.window_ms());
        assertEquals(0.5, b.ratio());
        assertEquals("send", ConfigReader.operationOf(b));
        assertEquals(b, new ConfigReader("dwcp.bounded", Map.of("mode", "Adaptive_P95", "window.ms", 100L,
                "dwcp.operation", "send", "secret", "hunter2")).typed(Bounded.class));
        assertFalse(b.equals(new ConfigReader("dwcp.bounded", Map.of()).typed(Bounded.class)));
        // of several bad values, always the same one is refused (methods are read by name)
        for (int i = 0; i < 20; i++) {
            assertEquals("ratio", assertThrows(InvalidConfigurationException.class, () -> new ConfigReader("dwcp.bounded",
                    Map.of("window.ms", "99", "ratio", "1.5", "sizes", "0")).typed(Bounded.class)).key());
        }
        // no Metatype in the bundle: types are still checked, bounds are not
        assertEquals(-1, new ConfigReader("p", Map.of("max.operations", "-1")).typed(Typed.class).max_operations());
    }

    @interface Scalars {
        String dwcp_operation() default "*";
        int a() default 1;
        long b() default 1;
        double c() default 1;
    }

    @Test
    void aTypedViewRefusesValuesOutsideTheirTypeAndListsForScalars() {
        assertEquals("must be between -2147483648 and 2147483647", assertThrows(InvalidConfigurationException.class,
                () -> new ConfigReader("p", Map.of("a", "4294967296")).typed(Scalars.class)).reason());
        assertEquals("expected one value, not a list", assertThrows(InvalidConfigurationException.class,
                () -> new ConfigReader("p", Map.of("b", new String[] { "1", "2" })).typed(Scalars.class)).reason());
        assertEquals("must be a finite number", assertThrows(InvalidConfigurationException.class,
                () -> new ConfigReader("p", Map.of("c", "NaN")).typed(Scalars.class)).reason());
        assertEquals("dwcp.operation", assertThrows(InvalidConfigurationException.class,
                () -> new ConfigReader("p", Map.of("dwcp.operation", "Not valid")).typed(Scalars.class)).key());
        assertEquals("*", new ConfigReader("p", Map.of()).typed(Scalars.class).dwcp_operation());
        assertEquals(7, new ConfigReader("p", Map.of("a", new String[] { "7" })).typed(Scalars.class).a());
    }

    @Test
    void acceptedConfigurationIgnoresWhatFileInstallAndScrAdd() {
        AcceptedConfiguration accepted = new AcceptedConfiguration();
        accepted.accept(Map.of("a", 5, "service.pid", "x~1", "component.id", 3L));
        assertTrue(accepted.isSame(Map.of("a", "5", "felix.fileinstall.filename", "file:/etc/x-1.cfg",
                "component.id", 4L)));
        assertFalse(accepted.isSame(Map.of("a", "6")));
    }

    record Settings(int size) {
    }

    /** Its Metatype is src/test/resources/OSGI-INF/metatype/dwcp.sample.xml: size between 1 and 100. */
    @interface SampleConfig {
        int size() default 10;
    }

    static final class Sample extends ConfiguredComponent<Settings> {
        final List<String> calls = new java.util.ArrayList<>();
        Settings fallback;

        Sample() {
            super("dwcp.sample");
        }

        @Override
        protected Settings read(ConfigReader config) {
            return new Settings(config.typed(SampleConfig.class).size());
        }

        @Override
        protected void start(Settings settings) {
            calls.add("start " + settings.size());
        }

        @Override
        protected void apply(Settings previous, Settings next) {
            calls.add("apply " + previous.size() + "->" + next.size());
        }

        @Override
        protected void stop() {
            calls.add("stop");
        }

        @Override
        protected Settings fallback() {
            return fallback;
        }
    }

    static final class Recorder {
        final RecordingLogger log = new RecordingLogger();
        final RecordingEventAdmin eventAdmin = new RecordingEventAdmin();
    }

    private static Sample sample(Recorder r) {
        Sample s = new Sample();
        s.logger = r.log.logger();
        s.eventAdmin = r.eventAdmin;
        return s;
    }

    @Test
    void refusedReconfigurationIsLoggedPostedOnceAndLeavesTheSettingsInForce() {
        Recorder r = new Recorder();
        Sample s = sample(r);
        s.activate(null, new HashMap<>(Map.of("service.pid", "dwcp.sample~a", "size", 5)));
        s.modified(Map.of("service.pid", "dwcp.sample~a", "size", "many"));
        assertEquals(new Settings(5), s.settings());
        assertEquals(List.of("start 5"), s.calls);
        assertEquals(1, r.eventAdmin.events().size());
        Event e = r.eventAdmin.events().get(0);
        assertEquals(ResilienceEvents.CONFIGURATION_REFUSED, e.getTopic());
        assertEquals("dwcp.sample~a", e.getProperty(ResilienceEvents.PID));
        assertEquals("size", e.getProperty(ResilienceEvents.KEY));
        assertEquals("many", e.getProperty(ConfigRefusals.VALUE));
        assertEquals("not a whole number", e.getProperty(ResilienceEvents.REASON));
        assertEquals(1, r.log.at("error").size());
    }

    @Test
    void aNoOpReconfigurationDoesNothingAtAll() {
        Recorder r = new Recorder();
        Sample s = sample(r);
        s.activate(null, Map.of("size", "5"));
        int linesAfterStart = r.log.lines().size();
        s.modified(Map.of("size", 5, "felix.fileinstall.filename", "file:/etc/dwcp.sample.cfg"));
        s.modified(Map.of("size", " 5 "));
        assertEquals(List.of("start 5"), s.calls, "same settings: nothing reset");
        assertEquals(linesAfterStart, r.log.lines().size(), "nothing logged");
        assertTrue(r.eventAdmin.events().isEmpty());
        s.modified(Map.of("size", 6));
        assertEquals(List.of("start 5", "apply 5->6"), s.calls);
    }

    @Test
    void aRefusedFirstConfigurationFailsOrStartsWithTheFallback() {
        Recorder r = new Recorder();
        Sample failing = sample(r);
        assertThrows(InvalidConfigurationException.class, () -> failing.activate(null, Map.of("size", 0)));
        assertTrue(failing.calls.isEmpty());
        Sample defaults = sample(r);
        defaults.fallback = new Settings(10);
        defaults.activate(null, Map.of("size", 0));
        assertEquals(new Settings(10), defaults.settings());
        assertEquals(2, r.eventAdmin.events().size(), "both refusals posted");
        defaults.deactivate();
        assertEquals(List.of("start 10", "stop"), defaults.calls);
    }

    @Test
    void perKeyHasAFastPathForOneOperationAndMakesOnePerKeyForAll() {
        AtomicInteger made = new AtomicInteger();
        PerKey<String> one = new PerKey<>("send", k -> k + made.incrementAndGet());
        assertTrue(one.isSingle());
        assertSame(one.get("send"), one.get("other"));
        PerKey<String> all = new PerKey<>("*", k -> k + made.incrementAndGet());
        assertEquals("send2", all.get("send"));
        assertEquals("send2", all.get("send"));
        assertEquals("sync3", all.get("sync"));
        assertNull(all.peek("consensus"));
        assertEquals(2, all.all().size());
    }

    @Test
    void stateCodecRoundTripsAndRefusesAnotherKindOrVersion() throws IOException {
        byte[] bytes = StateCodec.encode("circuit-breaker", 2, Map.of("state", "OPEN", "odd", "a=b\nc"));
        assertEquals(Map.of("state", "OPEN", "odd", "a=b\nc"), StateCodec.decode("circuit-breaker", 2, bytes));
        assertThrows(IOException.class, () -> StateCodec.decode("retry", 2, bytes));
        assertThrows(IOException.class, () -> StateCodec.decode("circuit-breaker", 3, bytes));
        assertThrows(IOException.class, () -> StateCodec.decode("circuit-breaker", 2, "junk".getBytes()));
        assertEquals("circuit-breaker/send", StateCodec.key("circuit-breaker", "send"));
    }

    @Test
    void anOperationDwcpDoesNotKnowIsRefusedUnlessTheConfigurationSaysItIsNew() {
        InvalidConfigurationException typo = assertThrows(InvalidConfigurationException.class,
                () -> new ConfigReader("dwcp.retry~send", Map.of("dwcp.operation", "snd")).typed(Scalars.class).dwcp_operation());
        assertEquals("dwcp.retry~send", typo.pid());
        assertEquals("dwcp.operation", typo.key());
        assertEquals("snd", typo.value());
        assertTrue(typo.reason().contains("not a known operation (send, receive, sync, consensus, or *)"), typo.reason());
        assertTrue(typo.reason().contains("did you mean 'send'?"), typo.reason());
        assertTrue(typo.reason().contains("dwcp.operation.new = true"), typo.reason());
        assertEquals("snd", new ConfigReader("p", Map.of("dwcp.operation", "snd", "dwcp.operation.new", "true"))
                .typed(Scalars.class).dwcp_operation());
        for (String known : List.of("send", "receive", "sync", "consensus", "*")) {
            assertEquals(known, new ConfigReader("p", Map.of("dwcp.operation", known)).typed(Scalars.class).dwcp_operation());
        }
        InvalidConfigurationException far = assertThrows(InvalidConfigurationException.class,
                () -> new ConfigReader("p", Map.of("dwcp.operation", "billing")).typed(Scalars.class).dwcp_operation());
        assertFalse(far.reason().contains("did you mean"), far.reason());
        assertThrows(InvalidConfigurationException.class,
                () -> new ConfigReader("p", Map.of("dwcp.operation", "snd", "dwcp.operation.new", "yes"))
                        .typed(Scalars.class).dwcp_operation());
    }

    @interface Retry {
        String dwcp_operation() default "*";
        int max_retries() default 1;
    }

    @Test
    void keysNothingReadAreReportedButNotWhatTheFrameworkAdds() {
        ConfigReader in = new ConfigReader("dwcp.retry~send", Map.of("dwcp.operation", "send", "max.retries", "3",
                "max.retires", "5", "garbage line", "", "service.pid", "dwcp.retry~send", "service.factoryPid",
                "dwcp.retry", "felix.fileinstall.filename", "file:/x/conf/dwcp.retry-send.cfg", "component.id", 4L,
                "dwcp.stage", "retry", "logger.target", "(x=y)"));
        in.typed(Retry.class);
        assertFalse(in.has("absent"));
        assertEquals(List.of("garbage line", "max.retires"), in.unreadKeys());
        assertEquals(List.of("garbage line"), in.uses("max.retires").unreadKeys());
        RecordingLogger log = new RecordingLogger();
        in.warnUnreadKeys(log.logger());
        assertEquals(1, log.at("warn").size());
        String line = log.at("warn").get(0);
        assertTrue(line.contains("dwcp.retry~send (file:/x/conf/dwcp.retry-send.cfg)"), line);
        assertTrue(line.contains("garbage line"), line);
    }

    @Test
    void aTypedViewCountsTheKeysItReads() {
        ConfigReader in = new ConfigReader("dwcp.manager", Map.of("max.operations", "12", "max.operation", "3"));
        in.typed(Typed.class);
        assertEquals(List.of("max.operation"), in.unreadKeys());
    }

    @Test
    void aComponentWarnsOfUnknownKeysOnceWhenItAcceptsAConfiguration() {
        Recorder r = new Recorder();
        Sample s = sample(r);
        s.activate(null, Map.of("service.pid", "dwcp.sample~a", "size", "5", "sise", "6",
                "felix.fileinstall.filename", "file:/conf/dwcp.sample-a.cfg"));
        assertEquals(1, r.log.at("warn").size(), r.log.lines().toString());
        assertTrue(r.log.at("warn").get(0).contains("sise"));
        s.modified(Map.of("service.pid", "dwcp.sample~a", "size", "5", "sise", "6",
                "felix.fileinstall.filename", "file:/conf/dwcp.sample-a.cfg"));
        assertEquals(1, r.log.at("warn").size(), "the same configuration again: nothing new");
        s.modified(Map.of("service.pid", "dwcp.sample~a", "size", "5", "colour", "red"));
        assertEquals(2, r.log.at("warn").size(), "a new stray key, though the settings did not change");
        assertTrue(r.log.at("warn").get(1).contains("colour"));
        s.modified(Map.of("service.pid", "dwcp.sample~a", "size", "many", "shape", "round"));
        assertEquals(2, r.log.at("warn").size(), "a refused configuration is reported as refused, not as stray keys");
    }
}
