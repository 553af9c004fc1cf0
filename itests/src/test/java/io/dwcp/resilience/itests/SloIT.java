package io.dwcp.resilience.itests;

import io.dwcp.resilience.api.ResilienceManager;
import javax.inject.Inject;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.MetricsSource;
import io.dwcp.resilience.api.slo.BudgetKind;
import io.dwcp.resilience.api.slo.BudgetListener;
import io.dwcp.resilience.api.slo.BudgetStatus;
import io.dwcp.resilience.api.slo.SloEvents;
import java.io.IOException;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * Error budgets in a real container: calls through the manager spend the budget of their operation,
 * exhaustion reaches EventAdmin, listeners and the log, and the figures survive an update of the
 * slo bundle (they go through the state store).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SloIT extends DwcpTestSupport {

    @Inject
    private ResilienceManager manager;

    private static final String SLO_BUNDLE = "io.dwcp.resilience.slo";

    private void budget(String operation, Object... keyValues) throws IOException {
        org.osgi.service.cm.Configuration c = configurationAdmin.getFactoryConfiguration("dwcp.slo", operation, "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("dwcp.operation", operation);
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        c.update(props);
    }

    /**
     * Waits until the manager feeds the budget: the budget's service can be visible a moment before
     * the manager has bound it as an observer, so probe calls are made until one is counted.
     *
     * @return calls counted so far (the probes that reached the budget)
     */
    private long awaitObserved(String operation) throws Exception {
        await("the " + operation + " budget", () -> figures(operation) != null);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (figures(operation).value("total") < 1) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the manager never fed the " + operation + " budget");
            }
            manager.execute(operation, inv -> "probe");
            Thread.sleep(10);
        }
        // Each probe is counted, or not, before execute returns: none is still on its way.
        return (long) figures(operation).value("total");
    }

    private MetricsSnapshot figures(String operation) {
        try {
            Collection<ServiceReference<MetricsSource>> refs = context.getServiceReferences(MetricsSource.class,
                    "(&(service.factoryPid=dwcp.slo)(dwcp.operation=" + operation + "))");
            if (refs.isEmpty()) {
                return null;
            }
            MetricsSource source = context.getService(refs.iterator().next());
            try {
                return source == null ? null : source.metrics().get(0);
            } finally {
                context.ungetService(refs.iterator().next());
            }
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private long sloServiceId(String operation) throws Exception {
        Collection<ServiceReference<MetricsSource>> refs = context.getServiceReferences(MetricsSource.class,
                "(&(service.factoryPid=dwcp.slo)(dwcp.operation=" + operation + "))");
        return refs.isEmpty() ? -1 : (Long) refs.iterator().next().getProperty("service.id");
    }

    private void calls(String operation, int ok, int failed) throws Exception {
        for (int i = 0; i < ok; i++) {
            manager.execute(operation, inv -> "ok");
        }
        for (int i = 0; i < failed; i++) {
            try {
                manager.execute(operation, inv -> {
                    throw new IOException("peer unreachable");
                });
            } catch (IOException expected) {
                // the failure is what spends the budget
            }
        }
    }

    private void awaitTotal(String operation, double total) throws InterruptedException {
        try {
            await(operation + " total " + total, () -> figures(operation).value("total") == total);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; figures: " + figures(operation), e);
        }
    }

    @Test
    public void exhaustingTheSendBudgetRaisesTheEventTheCallbackAndTheLogLine() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        List<BudgetStatus> exhausted = new CopyOnWriteArrayList<>();
        Dictionary<String, Object> topics = new Hashtable<>();
        topics.put(EventConstants.EVENT_TOPIC, ResilienceEvents.BUDGET_EXHAUSTED);
        ServiceRegistration<EventHandler> handler = context.registerService(EventHandler.class, events::add, topics);
        ServiceRegistration<BudgetListener> listener = context.registerService(BudgetListener.class, new BudgetListener() {
            @Override
            public void budgetExhausted(BudgetStatus status) {
                exhausted.add(status);
            }

            @Override
            public void budgetRecovered(BudgetStatus status) {
            }
        }, null);
        try (LogCapture log = new LogCapture()) {
            budget("send", "objective", "99.9", "latency.threshold", "100ms");
            long probes = awaitObserved("send");
            calls("send", 2000, 0);
            assertEquals(0, events.size());
            calls("send", 3, 3);

            await("BUDGET_EXHAUSTED for send", () -> events.stream().anyMatch(e -> "send".equals(e.getProperty("operation"))));
            Event e = events.stream().filter(x -> "send".equals(x.getProperty("operation"))).findFirst().orElseThrow();
            assertEquals(BudgetKind.ERROR.id(), e.getProperty(SloEvents.BUDGET));
            assertEquals(probes + 2006, e.getProperty(SloEvents.TOTAL));
            assertEquals(3L, e.getProperty(SloEvents.BAD));
            assertEquals(2L, e.getProperty(SloEvents.ALLOWED));
            await("the listener", () -> !exhausted.isEmpty());
            assertEquals("send", exhausted.get(0).operation());
            assertTrue(exhausted.get(0).exhausted());
            await("the log line", () -> log.contains("error budget of send (objective 99.9%): 3 failed of " + (probes + 2006)));
            assertTrue(log.find("budget exhausted").startsWith("WARN"));

            MetricsSnapshot m = figures("send");
            assertEquals(1.0, m.value("exhausted"), 0);
            assertEquals(probes + 2006.0, m.value("total"), 0);
            assertEquals(3.0, m.value("failed"), 0);
        } finally {
            handler.unregister();
            listener.unregister();
        }
    }

    @Test
    public void figuresAreUnchangedAfterTheSloBundleIsUpdated() throws Exception {
        budget("receive", "objective", "99.9");
        long probes = awaitObserved("receive");
        calls("receive", 1234, 5);
        awaitTotal("receive", probes + 1239);
        MetricsSnapshot before = figures("receive");
        long serviceBefore = sloServiceId("receive");

        Bundle slo = java.util.Arrays.stream(context.getBundles())
                .filter(b -> SLO_BUNDLE.equals(b.getSymbolicName())).findFirst().orElseThrow();
        slo.update();
        await("the updated bundle's receive budget", () -> {
            try {
                long id = sloServiceId("receive");
                return id != -1 && id != serviceBefore;
            } catch (Exception e) {
                return false;
            }
        });
        MetricsSnapshot after = figures("receive");
        assertNotNull(after);
        assertNotEquals(serviceBefore, sloServiceId("receive"));
        for (String figure : List.of("total", "failed", "successRate", "allowedFailures", "remainingFailures",
                "remainingBudget", "exhausted", "downtimeSeconds", "latencyTotal", "latencySlow", "latencyCompliance")) {
            assertEquals(figure, before.value(figure), after.value(figure), 0.0);
        }
        assertEquals(probes + 1239.0, after.value("total"), 0);
        assertEquals(5.0, after.value("failed"), 0);

        calls("receive", 1, 0);
        awaitTotal("receive", probes + 1240);
    }
}
