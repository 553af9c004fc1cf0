package io.dwcp.resilience.retry.internal;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.MetricsSource;
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredComponent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The retry stage as a DS component: one instance per factory configuration
 * {@code dwcp.retry~<operation>}. Validates the configuration, runs a {@link Retrier} per
 * operation, posts an event per retry and per give-up, and exposes the counters.
 */
@Component(configurationPid = RetryStage.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = RetryConfig.class, factory = true)
public final class RetryStage extends ConfiguredComponent<RetrySettings> implements Stage, MetricsSource, RetryListener {

    /** The factory PID. */
    public static final String PID = "dwcp.retry";
    /** The stage kind id. */
    public static final String KIND = "retry";
    /** Service property naming a result predicate ({@code java.util.function.Predicate}) service. */
    public static final String PREDICATE_NAME = "dwcp.retry.predicate";
    /** Topic of the event posted when the stage stops retrying a failed call. */
    public static final String GAVE_UP_TOPIC = ResilienceEvents.TOPIC_ROOT + "/retry/GAVE_UP";

    private final Map<String, Predicate<Object>> predicates = new ConcurrentHashMap<>();
    private final Map<String, Retrier> retriers = new ConcurrentHashMap<>();
    private final Sleeper sleeper;
    /** The one retrier when the stage serves one operation; {@code null} when it serves all ({@code *}). */
    private volatile Retrier single;

    /** For DS. */
    public RetryStage() {
        this(Sleeper.THREAD);
    }

    RetryStage(Sleeper sleeper) {
        super(PID, KIND, Stage.class, MetricsSource.class);
        this.sleeper = sleeper;
    }

    @Override
    protected RetrySettings read(ConfigReader config) {
        return RetrySettings.from(config);
    }

    @Override
    protected void start(RetrySettings settings) {
        apply(null, settings);
    }

    @Override
    protected void stop() {
        single = null;
        retriers.clear();
    }

    @Override
    protected String describe(RetrySettings s) {
        return s.maxRetries() + " retries, " + s.backoff() + ", jitter " + s.jitter() + ", budget "
                + (s.config().budget_enabled() ? s.config().budget_ratio() : "off");
    }

    @Override
    protected synchronized void apply(RetrySettings previous, RetrySettings next) {
        if (previous != null && previous.operation().equals(next.operation())) {
            for (Retrier retrier : retriers.values()) {
                retrier.reconfigure(next);
                retrier.setResultPredicate(predicates.get(next.resultPredicate()));
            }
        } else {
            retriers.clear();
            if (!ANY_OPERATION.equals(next.operation())) {
                retriers.put(next.operation(), newRetrier(next.operation(), next));
            }
        }
        single = ANY_OPERATION.equals(next.operation()) ? null : retriers.get(next.operation());
    }

    private Retrier newRetrier(String operation, RetrySettings s) {
        Retrier retrier = new Retrier(operation, s, sleeper, Retrier.THREAD_LOCAL_RANDOM, this);
        retrier.setResultPredicate(predicates.get(s.resultPredicate()));
        return retrier;
    }

    @Override
    public <T> T execute(Invocation inv, Next<T> next) throws Exception {
        Retrier retrier = single;
        if (retrier == null) {
            retrier = retrierFor(inv.operation());
        }
        return retrier.execute(inv, next);
    }

    private Retrier retrierFor(String operation) {
        Retrier retrier = retriers.get(operation);
        if (retrier != null) {
            return retrier;
        }
        synchronized (this) {
            return retriers.computeIfAbsent(operation, op -> newRetrier(op, settings()));
        }
    }

    @Reference(name = "resultPredicate", service = Predicate.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, target = "(" + PREDICATE_NAME + "=*)")
    @SuppressWarnings("unchecked")
    synchronized void bindPredicate(Predicate<?> predicate, Map<String, Object> properties) {
        String name = String.valueOf(properties.get(PREDICATE_NAME));
        predicates.put(name, (Predicate<Object>) predicate);
        refreshPredicates();
    }

    synchronized void unbindPredicate(Predicate<?> predicate, Map<String, Object> properties) {
        String name = String.valueOf(properties.get(PREDICATE_NAME));
        predicates.remove(name, predicate);
        refreshPredicates();
    }

    private void refreshPredicates() {
        RetrySettings s = settings();
        if (s == null) {
            return;
        }
        Predicate<Object> predicate = predicates.get(s.resultPredicate());
        for (Retrier retrier : retriers.values()) {
            retrier.setResultPredicate(predicate);
        }
    }

    @Override
    public List<MetricsSnapshot> metrics() {
        List<MetricsSnapshot> snapshots = new ArrayList<>();
        for (Retrier retrier : retriers.values()) {
            Map<String, Number> values = retrier.metrics().values();
            RetryBudget budget = retrier.budget();
            if (budget != null) {
                long now = retrier.lastClock().nanoTime();
                values.put("budgetCallsInWindow", budget.callsInWindow(now));
                values.put("budgetRetriesInWindow", budget.retriesInWindow(now));
            }
            values.put("maxRetries", retrier.settings().maxRetries());
            snapshots.add(new MetricsSnapshot(KIND, retrier.operation(), values, retrier.lastClock().currentTimeMillis()));
        }
        return snapshots;
    }

    @Override
    public void onRetry(String operation, int nextAttempt, long delayNanos, Throwable lastFailure) {
        EventAdmin events = eventAdmin;
        if (events == null) {
            return;
        }
        Map<String, Object> properties = new HashMap<>();
        properties.put(ResilienceEvents.OPERATION, operation);
        properties.put(ResilienceEvents.ATTEMPT, nextAttempt);
        properties.put("delayNanos", delayNanos);
        properties.put(ResilienceEvents.REASON, describe(lastFailure));
        properties.put(ResilienceEvents.TIMESTAMP, System.currentTimeMillis());
        events.postEvent(new Event(ResilienceEvents.RETRY_ATTEMPT, properties));
    }

    @Override
    public void onGiveUp(String operation, int attempts, GiveUpReason reason, Throwable lastFailure) {
        if (reason == GiveUpReason.BUDGET) {
            logger.debug("retry of {} denied by the retry budget after {} attempt(s)", operation, attempts);
        }
        EventAdmin events = eventAdmin;
        if (events == null) {
            return;
        }
        Map<String, Object> properties = new HashMap<>();
        properties.put(ResilienceEvents.OPERATION, operation);
        properties.put(ResilienceEvents.ATTEMPT, attempts);
        properties.put(ResilienceEvents.REASON, reason.id());
        properties.put("failure", describe(lastFailure));
        properties.put(ResilienceEvents.TIMESTAMP, System.currentTimeMillis());
        events.postEvent(new Event(GAVE_UP_TOPIC, properties));
    }

    @Override
    public void onPredicateFailure(String operation, RuntimeException failure) {
        logger.warn("result predicate '{}' of {} threw; the result was kept", settings().resultPredicate(), operation, failure);
    }

    private static String describe(Throwable failure) {
        return failure == null ? "result" : failure.getClass().getName();
    }

}
