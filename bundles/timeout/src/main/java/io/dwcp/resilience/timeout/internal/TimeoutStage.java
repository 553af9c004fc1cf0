package io.dwcp.resilience.timeout.internal;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.metrics.MetricsSource;
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredComponent;
import io.dwcp.resilience.api.state.StateStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The timeout stage as a DS component: one instance per factory configuration
 * {@code dwcp.timeout~<operation>}. Validates the configuration, runs a {@link TimeoutController}
 * per operation, owns the forced mode's executor (shut down on deactivate), posts an event when an
 * adaptive timeout moves notably, and keeps adaptive timeouts in the {@link StateStore} across
 * swaps and restarts.
 *
 * <p>The events are posted by the stage's own publisher thread (adaptive mode only), which looks at
 * every adaptive timeout every {@value #PUBLISH_PERIOD_MS} ms: a caller never builds or posts an
 * event (issue 15: the callers whose success moved the timeout used to post them). Reports are as
 * before, one per move of at least {@link TimeoutController#NOTABLE_CHANGE} since the last report,
 * at most {@value #PUBLISH_PERIOD_MS} ms late, and a last look on deactivation.
 */
@Component(configurationPid = TimeoutStage.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = TimeoutConfig.class, factory = true)
public final class TimeoutStage extends ConfiguredComponent<TimeoutSettings>
        implements Stage, MetricsSource, TimeoutListener {

    /** The factory PID. */
    public static final String PID = "dwcp.timeout";
    /** The stage kind id. */
    public static final String KIND = "timeout";
    /** How often the publisher thread looks for notable moves of the adaptive timeouts. */
    static final long PUBLISH_PERIOD_MS = 100;
    /** State record format: {@code 1:<adaptive timeout in ns>}. */
    private static final String STATE_VERSION = "1:";

    volatile StateStore stateStore;

    /**
     * The store may arrive after the stage started (the state bundle started later, or was updated):
     * a saved adaptive timeout is taken up then, unless the timeout has already moved, which is newer.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindStateStore(StateStore store) {
        stateStore = store;
        if (settings() == null) {
            return; // activation restores
        }
        for (TimeoutController c : controllers.values()) {
            if (c.adaptive() != null && !c.adaptive().moved()) {
                logger.info("timeout stage: the state store arrived after the stage started; restoring {}",
                        c.operation());
                restore(c);
            }
        }
    }

    void unbindStateStore(StateStore store) {
        if (stateStore == store) {
            stateStore = null;
        }
    }

    private final TimeSource clock;
    private final Map<String, TimeoutController> controllers = new ConcurrentHashMap<>();
    /** The one controller when the stage serves one operation; {@code null} when it serves all. */
    private volatile TimeoutController single;
    private volatile ForcedRunner runner;
    /** Posts notable moves of adaptive timeouts; started with the first adaptive configuration. */
    private ScheduledExecutorService publisher;
    /**
     * Serialises reports (publisher thread, reconfiguration, deactivation). Not the component's
     * monitor: deactivation holds that while it waits for the publisher thread to stop.
     */
    private final Object publishLock = new Object();

    /** For DS. */
    public TimeoutStage() {
        this(TimeSource.SYSTEM);
    }

    /** @param clock the clock for work outside a call (starting the percentile window) */
    TimeoutStage(TimeSource clock) {
        super(PID, KIND, Stage.class, MetricsSource.class);
        this.clock = clock;
    }

    @Override
    protected TimeoutSettings read(ConfigReader config) {
        return TimeoutSettings.from(config);
    }

    @Override
    protected void start(TimeoutSettings settings) {
        apply(null, settings);
        restoreState();
    }

    @Override
    protected synchronized void stop() {
        ScheduledExecutorService p = publisher;
        publisher = null;
        if (p != null) {
            p.shutdownNow();
            try {
                if (!p.awaitTermination(5, TimeUnit.SECONDS)) {
                    logger.warn("timeout stage: event publisher thread did not stop within 5 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            publishChanges();
        }
        saveState();
        ForcedRunner r = runner;
        runner = null;
        if (r != null) {
            r.close();
        }
        single = null;
        controllers.clear();
    }

    @Override
    protected String describe(TimeoutSettings s) {
        return s.mode() + " " + s.timeoutNanos() / 1_000_000 + " ms" + (s.config().forced() ? ", forced" : "");
    }

    @Override
    protected synchronized void apply(TimeoutSettings previous, TimeoutSettings next) {
        publishChanges(); // the moves of the controllers about to be replaced
        boolean sameScope = previous != null && previous.operation().equals(next.operation());
        Map<String, TimeoutController> old = new LinkedHashMap<>(controllers);
        controllers.clear();
        if (sameScope) {
            for (TimeoutController c : old.values()) {
                controllers.put(c.operation(), rebuild(c, next));
            }
        } else if (!ANY_OPERATION.equals(next.operation())) {
            controllers.put(next.operation(), newController(next.operation(), next));
        }
        ForcedRunner oldRunner = runner;
        TimeoutConfig c = next.config();
        if (c.forced() && (oldRunner == null || previous == null || previous.config().forced_max_threads() != c.forced_max_threads())) {
            runner = new ForcedRunner("dwcp-timeout-" + next.operation().replace("*", "all"), c.forced_max_threads());
        } else if (!c.forced()) {
            runner = null;
        }
        single = ANY_OPERATION.equals(next.operation()) ? null : controllers.get(next.operation());
        if (next.mode() == TimeoutMode.ADAPTIVE && publisher == null) {
            String name = "dwcp-timeout-events-" + next.operation().replace("*", "all");
            publisher = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, name);
                thread.setDaemon(true);
                return thread;
            });
            publisher.scheduleWithFixedDelay(this::publishChanges, PUBLISH_PERIOD_MS, PUBLISH_PERIOD_MS,
                    TimeUnit.MILLISECONDS);
        }
        if (oldRunner != null && oldRunner != runner) {
            // Calls in flight on the old runner are interrupted: they belong to a configuration
            // that is no longer in force, and their threads must not outlive it.
            oldRunner.close();
        }
    }

    private TimeoutController newController(String operation, TimeoutSettings s) {
        return new TimeoutController(operation, s, new TimeoutMetrics(), this, clock.nanoTime());
    }

    private TimeoutController rebuild(TimeoutController previous, TimeoutSettings s) {
        TimeoutController c = new TimeoutController(previous.operation(), s, previous.metrics(), this, clock.nanoTime());
        if (c.adaptive() != null && previous.adaptive() != null && s.sameAdaptationAs(previous.settings())) {
            c.adaptive().restore(previous.adaptive().currentNanos());
        }
        return c;
    }

    @Override
    public <T> T execute(Invocation inv, Next<T> next) throws Exception {
        TimeoutController controller = single;
        if (controller == null) {
            controller = controllerFor(inv.operation());
        }
        ForcedRunner r = runner;
        return r == null ? controller.execute(inv, next) : controller.executeForced(inv, next, r);
    }

    TimeoutController controllerFor(String operation) {
        TimeoutController controller = controllers.get(operation);
        if (controller != null) {
            return controller;
        }
        synchronized (this) {
            return controllers.computeIfAbsent(operation, op -> {
                TimeoutController c = newController(op, settings());
                restore(c);
                return c;
            });
        }
    }

    @Override
    public List<MetricsSnapshot> metrics() {
        List<MetricsSnapshot> snapshots = new ArrayList<>();
        for (TimeoutController c : controllers.values()) {
            Map<String, Number> values = new LinkedHashMap<>();
            TimeoutMetrics m = c.metrics();
            values.put("currentTimeoutMillis", c.currentTimeoutNanos() / 1e6);
            values.put("successes", m.successes.sum());
            values.put("timeouts", m.timeouts.sum());
            values.put("failures", m.failures.sum());
            values.put("lateResults", m.lateResults.sum());
            values.put("interrupted", m.interrupted.sum());
            if (c.latencies() != null) {
                values.put("observedPercentileMillis", c.latencies().percentileNanos() / 1e6);
            }
            snapshots.add(new MetricsSnapshot(KIND, c.operation(), values, clock.currentTimeMillis()));
        }
        return snapshots;
    }

    /**
     * The control path: posts an event for every adaptive timeout that moved notably since its last
     * report. Publisher thread (and deactivation, after that thread stopped); never a call.
     */
    void publishChanges() {
        synchronized (publishLock) {
            try {
                for (TimeoutController c : controllers.values()) {
                    c.publishIfNotable();
                }
            } catch (RuntimeException e) {
                logger.error("timeout stage: publishing adaptive timeout changes failed", e);
            }
        }
    }

    @Override
    public void onTimeoutChanged(String operation, long fromNanos, long toNanos) {
        EventAdmin events = eventAdmin;
        if (events == null) {
            return;
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(ResilienceEvents.OPERATION, operation);
        properties.put(ResilienceEvents.FROM, fromNanos / 1_000_000);
        properties.put(ResilienceEvents.TO, toNanos / 1_000_000);
        properties.put(ResilienceEvents.TIMESTAMP, clock.currentTimeMillis());
        events.postEvent(new Event(ResilienceEvents.TIMEOUT_CHANGED, properties));
    }

    static String stateKey(String operation) {
        return KIND + "/" + operation;
    }

    private void restoreState() {
        for (TimeoutController c : controllers.values()) {
            restore(c);
        }
    }

    /** Restores an adaptive timeout saved by this or an earlier provider of the stage. */
    private void restore(TimeoutController c) {
        StateStore store = stateStore;
        if (store == null || c.adaptive() == null) {
            return;
        }
        try {
            Optional<byte[]> record = store.load(stateKey(c.operation()));
            if (record.isPresent()) {
                String text = new String(record.get(), StandardCharsets.UTF_8);
                if (text.startsWith(STATE_VERSION)) {
                    c.adaptive().restore(Long.parseLong(text.substring(STATE_VERSION.length()).trim()));
                    logger.info("adaptive timeout of {} restored: {} ms", c.operation(), c.currentTimeoutNanos() / 1_000_000);
                } else {
                    logger.warn("adaptive timeout state of {} has an unknown format; starting from the configured value",
                            c.operation());
                }
            }
        } catch (IOException | RuntimeException e) {
            logger.warn("adaptive timeout state of {} could not be restored; starting from the configured value",
                    c.operation(), e);
        }
    }

    private void saveState() {
        StateStore store = stateStore;
        if (store == null) {
            return;
        }
        for (TimeoutController c : controllers.values()) {
            if (c.adaptive() == null) {
                continue;
            }
            try {
                store.save(stateKey(c.operation()),
                        (STATE_VERSION + c.currentTimeoutNanos()).getBytes(StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                logger.warn("adaptive timeout state of {} could not be saved", c.operation(), e);
            }
        }
    }

    /** @return the forced mode's runner, or {@code null} when the mode is off */
    ForcedRunner runner() {
        return runner;
    }

    /** @return the controller of {@code operation}, if it exists */
    TimeoutController controller(String operation) {
        return controllers.get(operation);
    }
}
