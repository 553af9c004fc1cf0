package io.dwcp.resilience.itests;

import io.dwcp.resilience.api.ResilienceManager;
import javax.inject.Inject;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.dwcp.resilience.api.DeadlineExceededException;
import io.dwcp.resilience.api.StageDescriptor;
import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.MetricsSource;
import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;

/**
 * The retry and timeout bundles in a real Felix, driven through the manager: factory configuration
 * per operation, live changes, refused values, deadlines that bound each attempt, the forced mode,
 * and an adaptive timeout that survives an update of its bundle.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RetryTimeoutIT extends DwcpTestSupport {

    @Inject
    private ResilienceManager manager;

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return baseOptions().toArray(new Option[0]);
    }

    @After
    public void deleteFactoryConfigurations() throws Exception {
        Configuration[] configs = configurationAdmin.listConfigurations(
                "(|(service.factoryPid=dwcp.retry)(service.factoryPid=dwcp.timeout))");
        if (configs != null) {
            for (Configuration c : configs) {
                c.delete();
            }
        }
    }

    /** Creates or replaces the factory configuration {@code factoryPid~name}. */
    /** The tests' operations are their own (it-retry, it-timeout, ...): each configuration says it means a new one. */
    private void configureFactory(String factoryPid, String name, Object... keyValues) throws IOException {
        Configuration config = configurationAdmin.getFactoryConfiguration(factoryPid, name, "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("dwcp.operation.new", "true");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        config.update(props);
    }

    private boolean inChain(String operation, StageKind kind, String bundle) {
        for (StageDescriptor d : manager.chain(operation).stages()) {
            if (d.kind() == kind && d.bundleSymbolicName().equals(bundle)) {
                return true;
            }
        }
        return false;
    }

    /** Runs a call that always fails and answers how many attempts the chain made. */
    private int attemptsOfAFailingCall(String operation) {
        AtomicInteger attempts = new AtomicInteger();
        try {
            manager.execute(operation, inv -> {
                attempts.incrementAndGet();
                throw new IOException("peer unreachable");
            });
            fail("the call cannot succeed");
        } catch (IOException expected) {
            // the last attempt's failure, rethrown
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return attempts.get();
    }

    private MetricsSnapshot metrics(String kind, String operation) {
        for (ServiceReference<MetricsSource> ref : serviceReferences()) {
            MetricsSource source = context.getService(ref);
            try {
                for (MetricsSnapshot s : source.metrics()) {
                    if (s.source().equals(kind) && s.operation().equals(operation)) {
                        return s;
                    }
                }
            } finally {
                context.ungetService(ref);
            }
        }
        return null;
    }

    private List<ServiceReference<MetricsSource>> serviceReferences() {
        try {
            return List.copyOf(context.getServiceReferences(MetricsSource.class, null));
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    public void aFailingCallIsRetriedThroughTheManagerAndSucceeds() throws Exception {
        configureFactory("dwcp.retry", "it-retry", "dwcp.operation", "it-retry", "max.retries", "3",
                "initial.delay.ms", "1", "max.delay.ms", "5", "jitter", "none");
        await("the retry stage in the chain", () -> inChain("it-retry", StageKind.RETRY, "io.dwcp.resilience.retry"));
        AtomicInteger calls = new AtomicInteger();

        String result = manager.execute("it-retry", inv -> {
            if (calls.incrementAndGet() < 3) {
                throw new IOException("flaky link");
            }
            return "delivered on attempt " + inv.attempt();
        });

        assertEquals("delivered on attempt 3", result);
        MetricsSnapshot m = metrics("retry", "it-retry");
        assertEquals(1.0, m.value("successfulCallsWithRetryAttempt"), 0);
        assertEquals(2.0, m.value("retryAttempts"), 0);
    }

    @Test
    public void aLiveChangeAppliesWithoutARestartAndABadValueIsRefusedKeepingTheOldOne() throws Exception {
        configureFactory("dwcp.retry", "it-live", "dwcp.operation", "it-live", "max.retries", "1",
                "initial.delay.ms", "1", "jitter", "none");
        await("the retry stage in the chain", () -> inChain("it-live", StageKind.RETRY, "io.dwcp.resilience.retry"));
        assertEquals(2, attemptsOfAFailingCall("it-live"));

        configureFactory("dwcp.retry", "it-live", "dwcp.operation", "it-live", "max.retries", "4",
                "initial.delay.ms", "1", "jitter", "none");
        await("4 retries in force", () -> attemptsOfAFailingCall("it-live") == 5);

        try (LogCapture log = new LogCapture()) {
            for (String[] bad : new String[][] {{"max.retries", "-2"}, {"multiplier", "NaN"},
                    {"max.delay.ms", "0"}}) {
                configureFactory("dwcp.retry", "it-live", "dwcp.operation", "it-live", "max.retries", "4",
                        "initial.delay.ms", "1", "jitter", "none", bad[0], bad[1]);
                String expected = "configuration dwcp.retry~it-live refused: " + bad[0] + "=" + bad[1];
                await("the refusal of " + bad[0] + " in the log", () -> log.contains(expected));
                String line = log.find(expected);
                assertTrue(line, line.startsWith("ERROR io.dwcp.resilience.retry: "));
                assertEquals("the previous configuration stays in force", 5, attemptsOfAFailingCall("it-live"));
            }
            assertTrue(log.find("max.delay.ms=0").contains("must not be less than initial.delay.ms"));
        }
    }

    @Test
    public void eachAttemptGetsItsOwnTimeoutAndAnOverrunNamesTheOperationAndTheTimeout() throws Exception {
        configureFactory("dwcp.retry", "it-timeout", "dwcp.operation", "it-timeout", "max.retries", "2",
                "initial.delay.ms", "1", "jitter", "none");
        configureFactory("dwcp.timeout", "it-timeout", "dwcp.operation", "it-timeout", "timeout.ms", "50");
        await("retry and timeout in the chain", () -> inChain("it-timeout", StageKind.RETRY, "io.dwcp.resilience.retry")
                && inChain("it-timeout", StageKind.TIMEOUT, "io.dwcp.resilience.timeout"));
        AtomicInteger attempts = new AtomicInteger();

        try {
            manager.execute("it-timeout", inv -> {
                attempts.incrementAndGet();
                // A transport honours the deadline where it blocks: wait for an acknowledgement
                // that never comes, until the deadline, then give up.
                long wait = inv.remainingNanos(inv.timeSource().nanoTime());
                assertTrue("the timeout stage set a deadline of at most 50 ms: " + wait, wait <= 50_000_000L);
                LockSupport.parkNanos(wait);
                throw new DeadlineExceededException(inv.operation(), -1, "waiting for acknowledgement");
            });
            fail("every attempt runs out of time");
        } catch (DeadlineExceededException e) {
            assertEquals("it-timeout: deadline exceeded after 50 ms", e.getMessage());
        }
        assertEquals("1 attempt + 2 retries, each with a fresh timeout", 3, attempts.get());
        assertEquals(3.0, metrics("timeout", "it-timeout").value("timeouts"), 0);
        assertEquals(1, manager.metrics("it-timeout").timeouts());
    }

    /** The timeout the chain gives a call of {@code operation}, read from the deadline the call sees. */
    private long timeoutSeenMillis(String operation) throws Exception {
        return manager.execute(operation, inv -> (inv.deadlineNanos() - inv.startNanos()) / 1_000_000L);
    }

    @Test
    public void aTimeoutChangesLiveAndAMinimumAboveTheMaximumIsRefused() throws Exception {
        configureFactory("dwcp.timeout", "it-live-timeout", "dwcp.operation", "it-live-timeout", "timeout.ms", "700");
        await("the 700 ms timeout", () -> call(() -> timeoutSeenMillis("it-live-timeout")) == 700L);

        configureFactory("dwcp.timeout", "it-live-timeout", "dwcp.operation", "it-live-timeout", "timeout.ms", "900");
        await("the 900 ms timeout", () -> call(() -> timeoutSeenMillis("it-live-timeout")) == 900L);

        try (LogCapture log = new LogCapture()) {
            configureFactory("dwcp.timeout", "it-live-timeout", "dwcp.operation", "it-live-timeout", "timeout.ms", "900",
                    "min.timeout.ms", "5000", "max.timeout.ms", "1000");
            String expected = "configuration dwcp.timeout~it-live-timeout refused: min.timeout.ms=5000";
            await("the refusal in the log", () -> log.contains(expected));
            String line = log.find(expected);
            assertTrue(line, line.startsWith("ERROR io.dwcp.resilience.timeout: "));
            assertTrue(line, line.contains("must not be greater than max.timeout.ms"));
        }
        assertEquals("the previous configuration stays in force", 900L, timeoutSeenMillis("it-live-timeout"));
    }

    private static <T> T call(java.util.concurrent.Callable<T> callable) {
        try {
            return callable.call();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    public void theForcedModeInterruptsACallThatIgnoresItsDeadline() throws Exception {
        configureFactory("dwcp.timeout", "it-forced", "dwcp.operation", "it-forced", "timeout.ms", "100",
                "forced", "true", "forced.max.threads", "2");
        await("the timeout stage in the chain", () -> inChain("it-forced", StageKind.TIMEOUT, "io.dwcp.resilience.timeout"));
        CountDownLatch interrupted = new CountDownLatch(1);

        try {
            manager.execute("it-forced", inv -> {
                try {
                    new CountDownLatch(1).await(); // ignores the deadline
                } catch (InterruptedException e) {
                    interrupted.countDown();
                }
                return "too late";
            });
            fail("the call ignores its deadline and must be cut off");
        } catch (DeadlineExceededException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("it-forced: deadline exceeded after 100 ms"));
        }
        assertTrue("the call's thread was interrupted", interrupted.await(20, TimeUnit.SECONDS));
    }

    @Test
    public void anAdaptiveTimeoutSurvivesAnUpdateOfItsBundle() throws Exception {
        configureFactory("dwcp.timeout", "it-adaptive", "dwcp.operation", "it-adaptive", "mode", "adaptive",
                "timeout.ms", "10000");
        await("the timeout stage in the chain",
                () -> inChain("it-adaptive", StageKind.TIMEOUT, "io.dwcp.resilience.timeout"));
        for (int i = 0; i < 20; i++) {
            manager.execute("it-adaptive", inv -> "fast");
        }
        double adapted = metrics("timeout", "it-adaptive").value("currentTimeoutMillis");
        assertTrue("shrunk from 10 s: " + adapted, adapted < 4_000);

        Bundle timeout = findBundle("io.dwcp.resilience.timeout");
        timeout.update();
        await("the updated timeout stage back with its state", () -> {
            MetricsSnapshot m = metrics("timeout", "it-adaptive");
            return m != null && inChain("it-adaptive", StageKind.TIMEOUT, "io.dwcp.resilience.timeout");
        });
        assertEquals(adapted, metrics("timeout", "it-adaptive").value("currentTimeoutMillis"), 0.0);
    }

    private Bundle findBundle(String symbolicName) {
        List<Bundle> found = java.util.Arrays.stream(context.getBundles())
                .filter(b -> b.getSymbolicName().equals(symbolicName)).collect(Collectors.toList());
        assertEquals(1, found.size());
        return found.get(0);
    }
}
