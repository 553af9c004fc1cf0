package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.RateLimitedException;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.MetricsSource;
import io.dwcp.resilience.api.state.StateStore;
import io.dwcp.resilience.kit.ConfiguredComponent;
import io.dwcp.resilience.kit.PerKey;
import io.dwcp.resilience.kit.StateCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * What the three rate-limit components share, on the stage kit ({@link ConfiguredComponent}: the
 * kit reads, refuses, registers with the accepted properties and skips same-value
 * reconfigurations): one limiter per operation, metrics, events and saved state. The subclasses
 * are the DS components; each adds its algorithm and its call path.
 *
 * <p><b>One limiter per operation</b> ({@link PerKey}). A component configured for {@code send}
 * has one limiter, made when the configuration is accepted, so that its figures (rate, burst,
 * limit) show before the first call; one configured for {@code *} gives every operation its own
 * limiter with the same settings (a default, not a shared budget), made on the operation's first
 * call. Limiters run on the layer's clock ({@link TimeSource} service when one is registered, as
 * the manager does, else the JVM's).
 *
 * <p><b>Publishing off the call path.</b> An adaptive limiter records its changes in an
 * allocation-free {@link LimitChangeLog}; a single daemon thread per component drains the logs
 * every {@value #PUBLISH_PERIOD_MS} ms, posts one EventAdmin event per change and saves the
 * limit to the {@link StateStore} at most once per {@value #SAVE_PERIOD_MS} ms (and on
 * deactivation), as a {@link StateCodec} record under {@code rate-limit.<strategy>/<operation>}.
 * Callers never touch EventAdmin, the store or a lock.
 *
 * @param <S> the settings record
 * @param <A> the algorithm of one operation
 */
abstract class AbstractRateLimitStage<S extends ConfiguredComponent.Scoped, A> extends ConfiguredComponent<S>
        implements Stage, MetricsSource {

    static final long PUBLISH_PERIOD_MS = 100;
    static final long SAVE_PERIOD_MS = 1000;
    static final int CHANGE_LOG_CAPACITY = 1024;
    /** The version of the fields of a saved limit. */
    static final int STATE_VERSION = 1;

    volatile StateStore stateStore;

    /** The layer's clock when one is registered (the manager uses the same), else the JVM's. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile TimeSource timeSource;

    private final TimeSource clock = new TimeSource() {
        @Override
        public long nanoTime() {
            TimeSource t = timeSource;
            return t != null ? t.nanoTime() : System.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
            TimeSource t = timeSource;
            return t != null ? t.currentTimeMillis() : System.currentTimeMillis();
        }
    };

    volatile PerKey<OperationLimiter<A>> limiters;
    /** Where a caller waits for a reserved permit; tests replace it to advance a fake clock. */
    Waiter waiter = Waiter.PARKING;
    /** Saved state found at activation, by operation; taken up when the operation's limiter is made. */
    private final Map<String, Map<String, String>> saved = new ConcurrentHashMap<>();
    private ScheduledExecutorService publisher;
    /**
     * Guards publishing, saving and a late restore. Not the component's monitor: the kit holds
     * that through deactivation, while this waits for the publisher thread to stop, and a publisher
     * blocked on it cannot be interrupted (a 5 s stall on every deactivation).
     */
    private final Object publishLock = new Object();
    private long lastSaveNanos;

    AbstractRateLimitStage(String pid) {
        super(pid, StageKind.RATE_LIMIT.id(), Stage.class, MetricsSource.class);
    }

    // ---- what a strategy provides

    /** @return the strategy's short name: {@code tokenbucket}, {@code adaptive}, {@code concurrency} */
    abstract String strategy();

    /**
     * Makes the limiter of one operation; {@code changes} is {@code null} unless {@link #adaptive()};
     * {@code saved} the fields of its saved state, or {@code null}.
     */
    abstract A create(S s, TimeSource clock, LimitChangeLog changes, Map<String, String> saved);

    /** Applies new settings to a live limiter, keeping its state. */
    abstract void reconfigure(OperationLimiter<A> limiter, S previous, S next);

    /** Adds the strategy's figures for one operation. */
    abstract void figures(OperationLimiter<A> limiter, Map<String, Number> out);

    /** @return whether the limit moves by itself (then changes are logged, published and saved) */
    abstract boolean adaptive();

    /** @return a saved figure, or {@code otherwise} when the record has none or an unreadable one */
    static double savedNumber(Map<String, String> saved, String key, double otherwise) {
        String text = saved == null ? null : saved.get(key);
        try {
            double value = text == null ? otherwise : Double.parseDouble(text.trim());
            return Double.isFinite(value) ? value : otherwise;
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /** @return the values to save for one operation; only called if {@link #adaptive()} */
    Map<String, String> stateOf(A algorithm) {
        return Map.of();
    }

    // ---- lifecycle (the kit calls these with accepted settings only)

    @Override
    protected void start(S s) {
        if (adaptive()) {
            loadSaved(s.operation());
            startPublisher(s.operation());
        }
        limiters = new PerKey<>(s.operation(), this::newLimiter);
    }

    @Override
    protected void apply(S previous, S next) {
        if (!next.operation().equals(previous.operation())) {
            // The stage now protects other operations: the old limiters are no longer consulted.
            publishAndSave(true);
            saved.clear();
            if (adaptive()) {
                loadSaved(next.operation());
            }
            limiters = new PerKey<>(next.operation(), this::newLimiter);
            return;
        }
        for (OperationLimiter<A> limiter : limiters.all()) {
            reconfigure(limiter, previous, next);
        }
    }

    @Override
    protected void stop() {
        ScheduledExecutorService p = publisher;
        if (p != null) {
            p.shutdownNow();
            try {
                if (!p.awaitTermination(5, TimeUnit.SECONDS)) {
                    logger.warn("{} publisher thread did not stop within 5 s", strategy());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        publishAndSave(true);
        // The limiters stay: a call that entered through a chain built before this stage left it
        // still finishes on its limiter.
    }

    /**
     * The store may arrive after the stage started (the state bundle started later, or was updated):
     * its saved limits are taken up then, by every limiter that has not learnt anything yet.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindStateStore(StateStore store) {
        stateStore = store;
        S s = settings();
        if (s != null && adaptive()) {
            restoreLate(s);
        }
    }

    void unbindStateStore(StateStore store) {
        if (stateStore == store) {
            stateStore = null;
        }
    }

    private void restoreLate(S s) {
        synchronized (publishLock) {
            restoreLateLocked(s);
        }
    }

    private void restoreLateLocked(S s) {
        loadSaved(s.operation());
        for (Map.Entry<String, Map<String, String>> e : saved.entrySet()) {
            OperationLimiter<A> current = limiters.peek(e.getKey());
            if (current == null) {
                continue; // made with the saved state on its first call
            }
            if (current.changes != null && current.changes.written() > 0) {
                logger.info("{} stage: saved state {} found late and not taken up: the limit of '{}' has moved since "
                        + "the stage started, which is newer", strategy(), stateKey(e.getKey()), e.getKey());
                continue;
            }
            current.algorithm = create(s, current.clock, current.changes, e.getValue());
            logger.info("{} stage: state store arrived after the stage started; restored the limit of '{}' from {}",
                    strategy(), e.getKey(), stateKey(e.getKey()));
        }
    }

    private OperationLimiter<A> newLimiter(String operation) {
        LimitChangeLog changes = adaptive() ? new LimitChangeLog(CHANGE_LOG_CAPACITY) : null;
        return new OperationLimiter<>(operation, create(settings(), clock, changes, saved.get(operation)), clock,
                changes);
    }

    // ---- call path helpers

    /**
     * @param inv a call
     * @return its operation's limiter: the single one, or the operation's, made on its first call
     */
    final OperationLimiter<A> limiterFor(Invocation inv) {
        return limiters.get(inv.operation());
    }

    /**
     * Waits until a reserved permit is due. If the wait is interrupted the reservation is given
     * back, so an abandoned call does not use up rate.
     */
    final void awaitPermit(OperationLimiter<A> limiter, TokenBucket bucket, int permits, Invocation inv, long until)
            throws InterruptedException {
        limiter.waiting.incrementAndGet();
        try {
            waiter.awaitUntil(inv.timeSource(), until);
        } catch (InterruptedException e) {
            bucket.refund(permits);
            limiter.rejected.increment();
            throw e;
        } finally {
            limiter.waiting.decrementAndGet();
        }
    }

    /**
     * The rejection of a call that found no permit in a bucket within its allowed wait. Its text is
     * built only if someone reads it: a limiter refuses calls at their arrival rate.
     *
     * @param limit describes the limit in force, e.g. {@code adaptive rate 950/s}; called only
     *              when the message is read, so it must capture values, not live state
     */
    static RateLimitedException noPermit(Invocation inv, TokenBucket bucket, int permits, long now, long allowedWait,
            Supplier<String> limit) {
        long retryAfter = bucket.nanosUntilAvailable(permits, now);
        return new RateLimitedException(inv.operation(), () -> limit.get() + ": no permit"
                + (allowedWait > 0 ? " within " + Rates.millis(allowedWait) : "") + ", next in "
                + Rates.millis(retryAfter), retryAfter);
    }

    /**
     * @param inv         a call
     * @param now         the current time
     * @param configured  the configured maximum wait
     * @return how long the call may wait for a permit: the configured maximum, cut at its deadline
     */
    static long allowedWait(Invocation inv, long now, long configured) {
        return configured == 0 ? 0 : Math.min(configured, inv.remainingNanos(now));
    }

    // ---- metrics

    @Override
    public List<MetricsSnapshot> metrics() {
        PerKey<OperationLimiter<A>> all = limiters;
        if (all == null) {
            return List.of();
        }
        List<MetricsSnapshot> out = new ArrayList<>();
        for (OperationLimiter<A> limiter : all.all()) {
            Map<String, Number> values = new LinkedHashMap<>();
            figures(limiter, values);
            values.put("granted", limiter.granted.sum());
            values.put("rejected", limiter.rejected.sum());
            values.put("waiting", limiter.waiting.get());
            if (limiter.changes != null) {
                values.put("changesUnpublished", limiter.changes.missed());
            }
            out.add(new MetricsSnapshot(metricsSource(), limiter.operation, values,
                    limiter.clock.currentTimeMillis()));
        }
        return out;
    }

    /** @return the {@link MetricsSnapshot#source()}: the stage kind and the strategy, e.g. {@code rate-limit.adaptive} */
    final String metricsSource() {
        return StageKind.RATE_LIMIT.id() + "." + strategy();
    }

    // ---- events and state

    /** Posts a limit change from the configuration thread (fixed limits change only there). */
    final void postLimitChanged(String operation, double from, double to, String reason, long timestampMillis) {
        EventAdmin events = eventAdmin;
        if (events == null) {
            return;
        }
        Map<String, Object> props = new HashMap<>();
        props.put(ResilienceEvents.OPERATION, operation);
        props.put(ResilienceEvents.FROM, from);
        props.put(ResilienceEvents.TO, to);
        props.put(ResilienceEvents.REASON, reason);
        props.put(ResilienceEvents.NAME, strategy());
        props.put(ResilienceEvents.PID, pid());
        props.put(ResilienceEvents.TIMESTAMP, timestampMillis);
        events.postEvent(new Event(ResilienceEvents.RATE_LIMIT_CHANGED, props));
    }

    private void startPublisher(String operation) {
        String name = "dwcp-ratelimiter-" + strategy() + "-" + (Stage.ANY_OPERATION.equals(operation) ? "all" : operation);
        publisher = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            return t;
        });
        publisher.scheduleWithFixedDelay(() -> publishAndSave(false), PUBLISH_PERIOD_MS, PUBLISH_PERIOD_MS,
                TimeUnit.MILLISECONDS);
    }

    /** Publisher thread (or deactivation, after the publisher stopped): events, then state. */
    final void publishAndSave(boolean final_) {
        synchronized (publishLock) {
            publishAndSaveLocked(final_);
        }
    }

    private void publishAndSaveLocked(boolean final_) {
        try {
            PerKey<OperationLimiter<A>> all = limiters;
            if (all == null) {
                return;
            }
            for (OperationLimiter<A> limiter : all.all()) {
                if (limiter.changes != null && limiter.changes.drain((from, to, reason, signal, nanos) ->
                        postAdaptiveChange(limiter, from, to, reason, signal, nanos)) > 0) {
                    limiter.unsaved = true;
                }
            }
            long now = System.nanoTime();
            if (final_ || now - lastSaveNanos >= TimeUnit.MILLISECONDS.toNanos(SAVE_PERIOD_MS)) {
                for (OperationLimiter<A> limiter : all.all()) {
                    if (limiter.unsaved || (final_ && adaptive())) {
                        save(limiter);
                    }
                }
                lastSaveNanos = now;
            }
        } catch (RuntimeException e) {
            logger.error("{} stage: publishing limit changes failed", strategy(), e);
        }
    }

    private void postAdaptiveChange(OperationLimiter<A> limiter, double from, double to, LimitListener.Reason reason,
            long signalNanos, long nanos) {
        long ageMillis = (limiter.clock.nanoTime() - nanos) / 1_000_000L;
        String why = reason.text() + (signalNanos >= 0 ? " (" + signalName() + " " + Rates.millis(signalNanos) + ")" : "");
        logger.debug("{} limit of '{}' {} -> {}: {}", strategy(), limiter.operation, Rates.format(from),
                Rates.format(to), why);
        postLimitChanged(limiter.operation, from, to, why, limiter.clock.currentTimeMillis() - Math.max(0, ageMillis));
    }

    /** @return what the signal of an adaptive change is called in event reasons */
    String signalName() {
        return "latency";
    }

    private void save(OperationLimiter<A> limiter) {
        StateStore store = stateStore;
        if (store == null || !adaptive()) {
            return;
        }
        Map<String, String> values = new LinkedHashMap<>(stateOf(limiter.algorithm));
        values.put("operation", limiter.operation);
        values.put("savedAt", Long.toString(System.currentTimeMillis()));
        try {
            store.save(stateKey(limiter.operation), StateCodec.encode(metricsSource(), STATE_VERSION, values));
            limiter.unsaved = false;
        } catch (IOException | RuntimeException e) {
            logger.warn("{} stage: could not save the limit of '{}' under {}: {}", strategy(), limiter.operation,
                    stateKey(limiter.operation), e.toString());
        }
    }

    /**
     * @return the state-store key of one operation's limit, {@code <kind>.<strategy>/<operation>}
     *         as the metrics source is named, e.g. {@code rate-limit.adaptive/send}: the adaptive rate
     *         and the concurrency limit are different figures and never restore each other
     */
    final String stateKey(String operation) {
        return StateCodec.key(metricsSource(), operation);
    }

    private void loadSaved(String scope) {
        StateStore store = stateStore;
        if (store == null) {
            return;
        }
        String prefix = stateKey("");
        List<String> keys = new ArrayList<>();
        if (Stage.ANY_OPERATION.equals(scope)) {
            for (String key : store.keys()) {
                if (key.startsWith(prefix)) {
                    keys.add(key);
                }
            }
        } else {
            keys.add(stateKey(scope));
        }
        for (String key : keys) {
            try {
                Optional<byte[]> bytes = store.load(key);
                if (bytes.isPresent()) {
                    saved.put(key.substring(prefix.length()), StateCodec.decode(metricsSource(), STATE_VERSION,
                            bytes.get()));
                }
            } catch (IOException | RuntimeException e) {
                logger.warn("{} stage: could not read saved state {}: {}; starting from the configured values",
                        strategy(), key, e.toString());
            }
        }
    }
}
