package io.dwcp.resilience.itests;

import io.dwcp.resilience.api.ResilienceManager;
import javax.inject.Inject;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.dwcp.resilience.api.BulkheadFullException;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.StageDescriptor;
import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.MetricsSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * The bulkhead bundle under the manager in a real Felix: a size changed through ConfigAdmin applies
 * live to the running component; a bad size is refused with a clear log line and an event while the
 * old size stays in force; strategies swap by configuration under load; a thread-pool bulkhead's
 * threads end with its configuration.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BulkheadIT extends DwcpTestSupport {

    @Inject
    private ResilienceManager manager;

    private static final String SEMAPHORE = "dwcp.bulkhead.semaphore";
    private static final String QUEUE = "dwcp.bulkhead.queue";
    private static final String THREAD_POOL = "dwcp.bulkhead.threadpool";

    @Test
    public void aBulkheadIsResizedLiveWithoutRestartingIt() throws Exception {
        String op = "bulkhead-resize-it";
        org.osgi.service.cm.Configuration config = factoryConfiguration(SEMAPHORE, op,
                "dwcp.operation", op, "max.concurrent.calls", 2);
        try {
            await("the semaphore bulkhead in the chain of " + op, () -> bulkheadServiceId(op) > 0);
            long serviceId = bulkheadServiceId(op);
            CallHolder holder = new CallHolder(op);
            try {
                holder.hold(2);
                assertRejected(op);

                config.update(props("dwcp.operation", op, "max.concurrent.calls", "3"));
                await("the new size in the metrics", () -> metric(op, "maxConcurrentCalls") == 3);
                holder.hold(1);
                assertEquals(3, metric(op, "active"), 0.0);
                assertRejected(op);
                assertEquals("resized in place, not re-registered", serviceId, bulkheadServiceId(op));
            } finally {
                holder.releaseAll();
            }
            assertEquals(0, metric(op, "active"), 0.0);
        } finally {
            config.delete();
        }
    }

    @Test
    public void aBadConfigurationIsRefusedWithALogLineAndAnEventAndTheOldOneStays() throws Exception {
        String op = "bulkhead-refuse-it";
        BlockingQueue<Event> refusals = new LinkedBlockingQueue<>();
        Dictionary<String, Object> topic = new Hashtable<>();
        topic.put(EventConstants.EVENT_TOPIC, ResilienceEvents.CONFIGURATION_REFUSED);
        ServiceRegistration<EventHandler> listener = context.registerService(EventHandler.class, refusals::add, topic);
        org.osgi.service.cm.Configuration config = factoryConfiguration(QUEUE, op,
                "dwcp.operation", op, "max.concurrent.calls", 2, "queue.capacity", 0);
        try (LogCapture log = new LogCapture()) {
            await("the queue bulkhead in the chain of " + op, () -> bulkheadServiceId(op) > 0);
            long serviceId = bulkheadServiceId(op);
            String pid = config.getPid();

            config.update(props("dwcp.operation", op, "max.concurrent.calls", "-1", "queue.capacity", "0"));
            await("the refusal in the log", () -> log.contains("configuration " + pid + " refused"));
            String line = log.find("configuration " + pid + " refused");
            assertTrue(line, line.startsWith("ERROR io.dwcp.resilience.bulkhead: "));
            assertTrue(line, line.contains("max.concurrent.calls=-1: must be between 1 and 1000000"));
            assertTrue(line, line.contains("the previous configuration stays in force"));
            Event event = refusalOf(pid, refusals);
            assertNotNull("no " + ResilienceEvents.CONFIGURATION_REFUSED + " event for " + pid, event);
            assertEquals("max.concurrent.calls", event.getProperty(ResilienceEvents.KEY));

            config.update(props("dwcp.operation", op, "max.concurrent.calls", "abc"));
            await("the second refusal", () -> log.contains("max.concurrent.calls=abc: not a whole number"));

            // the old size holds: two calls fit, the third is rejected at once
            assertEquals(2, metric(op, "maxConcurrentCalls"), 0.0);
            CallHolder holder = new CallHolder(op);
            try {
                holder.hold(2);
                assertRejected(op);
            } finally {
                holder.releaseAll();
            }
            assertEquals("the component kept running", serviceId, bulkheadServiceId(op));
        } finally {
            config.delete();
            listener.unregister();
        }
    }

    /**
     * Issue 13.4: SCR republished a refused configuration's properties, so a refused change that
     * also named another operation moved the stage to that operation's chain. The kit registers
     * the stage with the properties it accepted.
     */
    @Test
    public void aRefusedChangeOfOperationLeavesTheStageInItsChain() throws Exception {
        String op = "bulkhead-stays-it";
        String other = "bulkhead-elsewhere-it";
        String barrier = "bulkhead-barrier-it";
        org.osgi.service.cm.Configuration config = factoryConfiguration(SEMAPHORE, op,
                "dwcp.operation", op, "max.concurrent.calls", 3);
        org.osgi.service.cm.Configuration after = null;
        try (LogCapture log = new LogCapture()) {
            await("the semaphore bulkhead in the chain of " + op, () -> bulkheadServiceId(op) > 0);
            long serviceId = bulkheadServiceId(op);

            config.update(props("dwcp.operation", other, "max.concurrent.calls", "lots"));
            await("the refusal", () -> log.contains("configuration " + config.getPid()
                    + " refused: max.concurrent.calls=lots: not a whole number"));
            // ConfigAdmin delivers configurations in order: once a later one is applied, whatever
            // the refused one did to the service registry is done.
            after = factoryConfiguration(SEMAPHORE, barrier, "dwcp.operation", barrier);
            await("the barrier bulkhead", () -> bulkheadServiceId(barrier) > 0);

            assertEquals("still in the chain of " + op, serviceId, bulkheadServiceId(op));
            assertEquals("not in the chain of " + other, -1, bulkheadServiceId(other));
            ServiceReference<Stage> ref = references(Stage.class, "(service.id=" + serviceId + ")").iterator().next();
            assertEquals(op, ref.getProperty("dwcp.operation"));
            assertEquals(3, metric(op, "maxConcurrentCalls"), 0.0);
        } finally {
            config.delete();
            if (after != null) {
                after.delete();
            }
        }
    }

    @Test
    public void aThreadPoolConfigurationWithCoreAboveMaxDoesNotStart() throws Exception {
        String op = "bulkhead-badpool-it";
        try (LogCapture log = new LogCapture()) {
            org.osgi.service.cm.Configuration config = factoryConfiguration(THREAD_POOL, op,
                    "dwcp.operation", op, "core.threads", 8, "max.threads", 2);
            try {
                await("the refusal in the log", () -> log.contains("core.threads=8: must not exceed max.threads (2)"));
                assertEquals("no bulkhead stage for " + op, -1, bulkheadServiceId(op));
            } finally {
                config.delete();
            }
        }
    }

    @Test
    public void theStrategyIsSwappedByConfigurationUnderLoadWithoutAFailedCall() throws Exception {
        String op = "bulkhead-swap-it";
        // Without a bulkhead, calls of op fail: a gap during the swap would show as failed calls.
        configure("dwcp.manager", "missing.stage.policy", "bypass",
                "missing.stage.policy.overrides", op + ":bulkhead=reject");
        org.osgi.service.cm.Configuration queue = factoryConfiguration(QUEUE, op,
                "dwcp.operation", op, "max.concurrent.calls", 100, "queue.capacity", 100);
        org.osgi.service.cm.Configuration semaphore = null;
        AtomicBoolean running = new AtomicBoolean(true);
        LongAdder ok = new LongAdder();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            await("the queue bulkhead in the chain", () -> "QueueBulkheadStage".equals(bulkheadStrategy(op)));
            List<Future<?>> loops = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                loops.add(callers.submit(() -> {
                    while (running.get()) {
                        try {
                            manager.execute(op, inv -> "ok");
                            ok.increment();
                        } catch (Exception e) {
                            failures.add(e);
                        }
                    }
                }));
            }
            await("calls through the queue bulkhead", () -> ok.sum() > 2_000);

            semaphore = factoryConfiguration(SEMAPHORE, op, "dwcp.operation", op, "max.concurrent.calls", 100,
                    "service.ranking", 10);
            await("the semaphore bulkhead takes over", () -> "SemaphoreBulkheadStage".equals(bulkheadStrategy(op)));
            queue.delete();
            queue = null;
            long atSwap = ok.sum();
            await("calls through the semaphore bulkhead", () -> ok.sum() > atSwap + 2_000);
            running.set(false);
            for (Future<?> loop : loops) {
                loop.get(20, TimeUnit.SECONDS);
            }
        } finally {
            running.set(false);
            callers.shutdownNow();
            if (queue != null) {
                queue.delete();
            }
            if (semaphore != null) {
                semaphore.delete();
            }
            configure("dwcp.manager", "missing.stage.policy", "bypass");
        }
        assertEquals("failed calls: " + failures.stream().limit(3).toList(), 0, failures.size());
    }

    @Test
    public void aThreadPoolBulkheadsThreadsEndWithItsConfiguration() throws Exception {
        String op = "bulkhead-pool-it";
        org.osgi.service.cm.Configuration config = factoryConfiguration(THREAD_POOL, op,
                "dwcp.operation", op, "core.threads", 2, "max.threads", 2, "queue.capacity", 10);
        await("the thread-pool bulkhead in the chain", () -> bulkheadServiceId(op) > 0);
        String thread = manager.execute(op, inv -> Thread.currentThread().getName());
        assertTrue(thread, thread.startsWith("dwcp-bulkhead-" + op + "-"));
        manager.execute(op, inv -> "again");
        assertTrue(workerThreads(op) > 0);

        config.delete();
        // SCR unregisters the service and forgets the configuration before it calls deactivate,
        // which stops the pool; nothing here observes the moment deactivate returns (the unit
        // tests do: no worker is alive when it has), so wait for the threads to end.
        await("the bulkhead gone from the chain", () -> bulkheadServiceId(op) < 0);
        await("every worker thread of " + op + " ended", () -> workerThreads(op) == 0);
    }

    @Test
    public void noWorkerThreadOutlivesTheBundle() throws Exception {
        String op = "bulkhead-stop-it";
        org.osgi.service.cm.Configuration config = factoryConfiguration(THREAD_POOL, op,
                "dwcp.operation", op, "core.threads", 3, "max.threads", 3, "queue.capacity", 10);
        Bundle bulkheads = bulkheadBundle();
        try {
            await("the thread-pool bulkhead in the chain", () -> bulkheadServiceId(op) > 0);
            for (int i = 0; i < 3; i++) {
                manager.execute(op, inv -> "warm");
            }
            assertTrue(workerThreads(op) > 0);

            // Bundle.stop returns after SCR has deactivated the bundle's components synchronously.
            bulkheads.stop();
            assertEquals("worker threads alive after the bundle stopped", 0, workerThreads(op));
        } finally {
            bulkheads.start();
            config.delete();
        }
    }

    private Bundle bulkheadBundle() {
        for (Bundle bundle : context.getBundles()) {
            if ("io.dwcp.resilience.bulkhead".equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("the bulkhead bundle is not installed");
    }

    // ---------------------------------------------------------------------------------------------

    private static Event refusalOf(String pid, BlockingQueue<Event> refusals) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (long left; (left = deadline - System.nanoTime()) > 0;) {
            Event event = refusals.poll(left, TimeUnit.NANOSECONDS);
            if (event != null && pid.equals(event.getProperty(ResilienceEvents.PID))) {
                return event;
            }
        }
        return null;
    }

    @Test
    public void withScopePeerASlowPeerFillsOnlyItsOwnPermits() throws Exception {
        String op = "bulkhead-peers-it";
        org.osgi.service.cm.Configuration config = factoryConfiguration(SEMAPHORE, op,
                "dwcp.operation", op, "max.concurrent.calls", 1, "scope", "peer");
        ExecutorService threads = Executors.newSingleThreadExecutor();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            await("the semaphore bulkhead in the chain of " + op, () -> bulkheadServiceId(op) > 0);
            Future<String> slow = threads.submit(() -> manager.execute(op, "node-b", inv -> {
                entered.countDown();
                release.await();
                return "released";
            }));
            assertTrue("node-b's call did not enter", entered.await(20, TimeUnit.SECONDS));
            try {
                manager.execute(op, "node-b", inv -> "should not run");
                fail("node-b's one permit is taken");
            } catch (BulkheadFullException expected) {
                assertEquals(op, expected.operation());
            }
            assertEquals("node-a has permits of its own", "ok", manager.execute(op, "node-a", inv -> "ok"));
            release.countDown();
            assertEquals("released", slow.get(20, TimeUnit.SECONDS));
        } finally {
            release.countDown();
            threads.shutdownNow();
            config.delete();
        }
    }

    private org.osgi.service.cm.Configuration factoryConfiguration(String factoryPid, String name, Object... keyValues)
            throws Exception {
        org.osgi.service.cm.Configuration config = configurationAdmin.getFactoryConfiguration(factoryPid, name, "?");
        config.update(props(keyValues));
        return config;
    }

    /** The tests' operations are their own (bulkhead-resize-it, ...): every configuration says it means a new one. */
    private static Dictionary<String, Object> props(Object... keyValues) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("dwcp.operation.new", "true");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        return props;
    }

    /** @return the service id of the bulkhead in the chain of {@code op}, or -1 */
    private long bulkheadServiceId(String op) {
        return manager.chain(op).stages().stream()
                .filter(d -> d.kind() == StageKind.BULKHEAD)
                .mapToLong(StageDescriptor::serviceId)
                .findFirst().orElse(-1);
    }

    /** @return the simple class name of the component behind the bulkhead in the chain of {@code op} */
    private String bulkheadStrategy(String op) {
        long id = bulkheadServiceId(op);
        if (id < 0) {
            return null;
        }
        Collection<ServiceReference<Stage>> refs = references(Stage.class, "(service.id=" + id + ")");
        if (refs.isEmpty()) {
            return null;
        }
        String component = (String) refs.iterator().next().getProperty("component.name");
        return component.substring(component.lastIndexOf('.') + 1);
    }

    private double metric(String op, String name) {
        for (ServiceReference<MetricsSource> ref : references(MetricsSource.class, "(dwcp.stage=bulkhead)")) {
            MetricsSource source = context.getService(ref);
            try {
                for (MetricsSnapshot snapshot : source.metrics()) {
                    if (snapshot.operation().equals(op)) {
                        return snapshot.value(name);
                    }
                }
            } finally {
                context.ungetService(ref);
            }
        }
        return Double.NaN;
    }

    private <S> Collection<ServiceReference<S>> references(Class<S> type, String filter) {
        try {
            return context.getServiceReferences(type, filter);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(filter, e);
        }
    }

    private static long workerThreads(String op) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("dwcp-bulkhead-" + op + "-") && t.isAlive())
                .count();
    }

    private void assertRejected(String op) throws Exception {
        try {
            manager.execute(op, inv -> "should not run");
            fail("the bulkhead of " + op + " should be full");
        } catch (BulkheadFullException expected) {
            assertEquals(op, expected.operation());
        }
    }

    /** Calls of one operation that stay inside the bulkhead until released. */
    private final class CallHolder {
        private final String op;
        private final CountDownLatch release = new CountDownLatch(1);
        private final ExecutorService threads = Executors.newCachedThreadPool();
        private final List<Future<String>> calls = new ArrayList<>();

        CallHolder(String op) {
            this.op = op;
        }

        void hold(int count) throws Exception {
            CountDownLatch entered = new CountDownLatch(count);
            for (int i = 0; i < count; i++) {
                calls.add(threads.submit(() -> manager.execute(op, inv -> {
                    entered.countDown();
                    release.await();
                    return "released";
                })));
            }
            assertTrue("calls did not enter the bulkhead", entered.await(20, TimeUnit.SECONDS));
        }

        void releaseAll() throws Exception {
            release.countDown();
            try {
                for (Future<String> call : calls) {
                    assertEquals("released", call.get(20, TimeUnit.SECONDS));
                }
            } finally {
                threads.shutdownNow();
            }
        }
    }
}
