package io.dwcp.resilience.itests;

import io.dwcp.resilience.api.ResilienceManager;
import javax.inject.Inject;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.dwcp.resilience.api.RateLimitedException;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.StageDescriptor;
import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.MetricsSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * The rate-limiter bundle in a real container: an operator swaps the fixed limit of {@code send}
 * for the adaptive one by configuration while calls flow, and a bad configuration is refused
 * with a clear log line while the previous one stays in force.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RateLimiterIT extends DwcpTestSupport {

    @Inject
    private ResilienceManager manager;

    private static final String TOKEN_BUCKET = "dwcp.ratelimiter.tokenbucket";
    private static final String ADAPTIVE = "dwcp.ratelimiter.adaptive";
    private static final String CONCURRENCY = "dwcp.ratelimiter.concurrency";
    private static final String BUNDLE = "io.dwcp.resilience.ratelimiter";

    @Test
    public void theFixedLimitOfSendIsSwappedForTheAdaptiveOneUnderLoadWithoutAFailedCall() throws Exception {
        // A moment without a rate limiter on send would fail calls: the swap must leave no gap.
        configure("dwcp.manager", "missing.stage.policy", "bypass",
                "missing.stage.policy.overrides", "send:rate-limit=reject");
        org.osgi.service.cm.Configuration fixed = factoryConfiguration(TOKEN_BUCKET, "send",
                "dwcp.operation", "send", "rate", 2000.0, "burst", 200, "max.wait.ms", 100L);
        long fixedId = awaitService(TOKEN_BUCKET);
        await("the token bucket in send's chain", () -> rateLimitServiceId() == fixedId);

        List<Event> changes = Collections.synchronizedList(new ArrayList<>());
        ServiceRegistration<EventHandler> handler = context.registerService(EventHandler.class, changes::add,
                new Hashtable<>(java.util.Map.of(EventConstants.EVENT_TOPIC, ResilienceEvents.RATE_LIMIT_CHANGED)));
        AtomicBoolean running = new AtomicBoolean(true);
        LongAdder ok = new LongAdder();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        ExecutorService callers = Executors.newFixedThreadPool(2);
        org.osgi.service.cm.Configuration adaptive = null;
        try {
            List<Future<?>> load = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                load.add(callers.submit(() -> {
                    while (running.get()) {
                        try {
                            if ("ok".equals(manager.execute("send", "peer-1", inv -> "ok"))) {
                                ok.increment();
                            }
                            Thread.sleep(2); // about 400 calls/s from two callers: below both limits
                        } catch (InterruptedException e) {
                            return;
                        } catch (Exception e) {
                            failures.add(e);
                        }
                    }
                }));
            }
            await("calls through the token bucket", () -> ok.sum() > 300);

            adaptive = factoryConfiguration(ADAPTIVE, "send", "dwcp.operation", "send", "service.ranking", 10,
                    "max.wait.ms", 100.0);
            long adaptiveId = awaitService(ADAPTIVE);
            await("the adaptive limiter in send's chain", () -> rateLimitServiceId() == adaptiveId);
            long atSwap = ok.sum();

            fixed.delete();
            await("the token bucket gone", () -> serviceId(TOKEN_BUCKET) < 0);
            await("calls through the adaptive limiter", () -> ok.sum() > atSwap + 600);
            await("an adaptive limit change announced", () -> changes.stream()
                    .anyMatch(e -> "adaptive".equals(e.getProperty(ResilienceEvents.NAME))));

            running.set(false);
            for (Future<?> f : load) {
                f.get(20, TimeUnit.SECONDS);
            }
            assertEquals("failed calls: " + failures.stream().limit(3).toList(), 0, failures.size());
            assertEquals(adaptiveId, rateLimitServiceId());
            MetricsSnapshot m = metrics("rate-limit.adaptive", "send");
            assertTrue("granted by the adaptive limiter: " + m, m.value("granted") >= 600);
            assertEquals(0.0, m.value("rejected"), 0.0);
            assertTrue("the fast calls raised the rate: " + m, m.value("rate") > 1000);
            Event first = changes.stream().filter(e -> "adaptive".equals(e.getProperty(ResilienceEvents.NAME)))
                    .findFirst().orElseThrow();
            assertEquals("send", first.getProperty(ResilienceEvents.OPERATION));
            assertEquals(1000.0, first.getProperty(ResilienceEvents.FROM));
            assertEquals(1050.0, (Double) first.getProperty(ResilienceEvents.TO), 1e-9);
        } finally {
            running.set(false);
            callers.shutdownNow();
            handler.unregister();
            if (adaptive != null) {
                adaptive.delete();
            }
            deleteIfPresent(fixed);
            configure("dwcp.manager", "missing.stage.policy", "bypass");
            await("send without a rate limiter again", () -> manager.chain("send").accepting());
        }
    }

    @Test
    public void badConfigurationsAreRefusedWithAClearLogLineAndThePreviousOneStays() throws Exception {
        org.osgi.service.cm.Configuration bucket = factoryConfiguration(TOKEN_BUCKET, "sync",
                "dwcp.operation", "sync", "rate", 5.0, "burst", 1);
        org.osgi.service.cm.Configuration adaptive = null;
        org.osgi.service.cm.Configuration concurrency = null;
        try (LogCapture log = new LogCapture()) {
            long id = awaitService(TOKEN_BUCKET);
            await("the token bucket in sync's chain", () -> rateLimitServiceIdOf("sync") == id);

            update(bucket, "dwcp.operation", "sync", "rate", -1.0, "burst", 1);
            await("the refusal of rate=-1", () -> log.contains(TOKEN_BUCKET + "~sync refused: rate=-1.0"));
            update(bucket, "dwcp.operation", "sync", "rate", "NaN", "burst", 1);
            await("the refusal of rate=NaN", () -> log.contains(TOKEN_BUCKET + "~sync refused: rate=NaN"));
            String line = log.find(TOKEN_BUCKET + "~sync refused: rate=NaN");
            assertTrue(line, line.startsWith("ERROR " + BUNDLE + ": configuration " + TOKEN_BUCKET + "~sync refused"));
            assertTrue(line, line.contains("must be a finite number; the previous configuration stays in force"));

            // still 5/s with a burst of 1: the second immediate call is rejected, by the old limit
            manager.execute("sync", inv -> "ok");
            try {
                manager.execute("sync", inv -> "too soon");
                fail("the previous limit should still be in force");
            } catch (RateLimitedException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains("token bucket 5/s, burst 1"));
            }
            assertEquals(id, serviceId(TOKEN_BUCKET));

            adaptive = factoryConfiguration(ADAPTIVE, "sync", "dwcp.operation", "sync", "service.ranking", 5);
            awaitService(ADAPTIVE);
            update(adaptive, "dwcp.operation", "sync", "service.ranking", 5, "min.rate", 500.0, "max.rate", 100.0);
            await("the refusal of min > max", () -> log.contains(ADAPTIVE + "~sync refused: min.rate=500.0: must not exceed"
                    + " max.rate (100)"));
            manager.execute("sync", inv -> "ok");
            assertEquals(1000.0, metrics("rate-limit.adaptive", "sync").value("rate"), 0.0);
            assertEquals(100.0, metrics("rate-limit.adaptive", "sync").value("minRate"), 0.0);

            concurrency = factoryConfiguration(CONCURRENCY, "receive", "dwcp.operation", "receive",
                    "min.limit", 10, "max.limit", 5);
            await("the refusal of a bad first configuration", () -> log.contains(CONCURRENCY
                    + "~receive refused: min.limit=10: must not exceed max.limit (5)"));
            assertTrue("no rate limiter for receive", rateLimitServiceIdOf("receive") < 0);
        } finally {
            bucket.delete();
            deleteIfPresent(adaptive);
            deleteIfPresent(concurrency);
        }
    }

    // ---- helpers

    private org.osgi.service.cm.Configuration factoryConfiguration(String factoryPid, String name, Object... keyValues)
            throws IOException {
        org.osgi.service.cm.Configuration config = configurationAdmin.getFactoryConfiguration(factoryPid, name, "?");
        update(config, keyValues);
        return config;
    }

    private static void update(org.osgi.service.cm.Configuration config, Object... keyValues) throws IOException {
        Dictionary<String, Object> props = new Hashtable<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        config.update(props);
    }

    private static void deleteIfPresent(org.osgi.service.cm.Configuration config) {
        if (config == null) {
            return;
        }
        try {
            config.delete();
        } catch (IOException | IllegalStateException alreadyGone) {
            // deleted by the test itself
        }
    }

    /** The service id of the stage registered by a factory PID's component, or -1. */
    private long serviceId(String factoryPid) {
        try {
            Collection<ServiceReference<Stage>> refs = context.getServiceReferences(Stage.class,
                    "(service.factoryPid=" + factoryPid + ")");
            return refs.isEmpty() ? -1 : (Long) refs.iterator().next().getProperty(Constants.SERVICE_ID);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private long awaitService(String factoryPid) throws InterruptedException {
        await(factoryPid + " registered", () -> serviceId(factoryPid) >= 0);
        return serviceId(factoryPid);
    }

    private long rateLimitServiceId() {
        return rateLimitServiceIdOf("send");
    }

    private long rateLimitServiceIdOf(String operation) {
        return manager.chain(operation).stages().stream().filter(d -> d.kind() == StageKind.RATE_LIMIT)
                .mapToLong(StageDescriptor::serviceId).findFirst().orElse(-1);
    }

    private MetricsSnapshot metrics(String source, String operation) throws Exception {
        for (ServiceReference<MetricsSource> ref : context.getServiceReferences(MetricsSource.class, null)) {
            MetricsSource s = context.getService(ref);
            try {
                for (MetricsSnapshot m : s.metrics()) {
                    if (m.source().equals(source) && m.operation().equals(operation)) {
                        return m;
                    }
                }
            } finally {
                context.ungetService(ref);
            }
        }
        throw new AssertionError("no metrics from " + source + " for " + operation);
    }
}
