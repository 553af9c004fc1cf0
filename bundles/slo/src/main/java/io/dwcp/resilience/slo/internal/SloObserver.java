package io.dwcp.resilience.slo.internal;

import io.dwcp.resilience.api.CallObserver;
import io.dwcp.resilience.api.CallOutcome;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.MetricsSource;
import io.dwcp.resilience.api.slo.BudgetListener;
import io.dwcp.resilience.api.state.StateStore;
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredComponent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
 * The error budget and latency budget of one operation (factory configuration
 * {@code dwcp.slo~<name>} with {@code dwcp.operation}), or of all operations together
 * ({@code dwcp.operation = *}), as a {@link CallObserver}: the thin OSGi face of
 * {@link BudgetKeeper} and {@link OperationBudget}.
 *
 * <p>On the stage kit ({@link ConfiguredComponent}): the kit reads the configuration, refuses a bad
 * value (the budget in force stays), skips a same-values reconfiguration, and registers the
 * observer with the {@code dwcp.operation} it accepted, so a refused operation never moves the
 * budget to other calls.
 *
 * <p>Callers record on their own thread, each through its own writer ({@link #forCaller}), lock-free
 * and allocation-free; one daemon thread per
 * budget evaluates every {@code evaluation.interval}, at once when a budget may just have run out,
 * and saves the state through the {@link StateStore} (key {@code slo/<operation>}).
 */
@Component(configurationPid = SloSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {}) // the kit registers CallObserver and MetricsSource with the accepted properties
@Designate(ocd = SloConfig.class, factory = true)
public final class SloObserver extends ConfiguredComponent<SloSettings> implements CallObserver, MetricsSource {

    /** However often callers ask, evaluations are at least this far apart. */
    private static final long MIN_EVALUATION_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    @Reference
    StateStore store;

    /** The manager's clock when one is registered: calls are placed by the clock they were timed with. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
    TimeSource timeSource;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    private volatile List<BudgetListener> listeners;

    private TimeSource clock;
    private volatile BudgetKeeper keeper;
    private volatile String operation;
    private volatile boolean allOperations;
    private volatile Thread evaluator;
    private volatile boolean running;
    private volatile boolean wakeRequested;
    private final Runnable wakeUp = this::wakeUp;

    public SloObserver() {
        super(SloSettings.PID, CallObserver.class, MetricsSource.class);
    }

    @Override
    protected SloSettings read(ConfigReader config) {
        return SloSettings.from(config);
    }

    @Override
    protected String describe(SloSettings s) {
        return "budget of " + s.operation() + ": objective " + Math.round(s.objective() * 1e6) / 1e4 + " % over "
                + Durations.format(s.window()) + (s.latencyEnabled() ? ", P" + Math.round(s.latencyObjective() * 1e6) / 1e4 + " below "
                + Durations.format(s.latencyThreshold()) : ", no latency budget");
    }

    @Override
    protected void start(SloSettings settings) {
        clock = timeSource != null ? timeSource : TimeSource.SYSTEM;
        operation = settings.operation();
        allOperations = SloSettings.ALL_OPERATIONS.equals(operation);
        keeper = new BudgetKeeper(settings, clock, store, new ComponentSink(), wakeUp);
        running = true;
        Thread t = new Thread(this::evaluateLoop, "dwcp-slo-" + settings.stateKey().substring(4));
        t.setDaemon(true);
        evaluator = t;
        t.start();
    }

    @Override
    protected void apply(SloSettings previous, SloSettings next) {
        keeper.reconfigure(next);
        operation = next.operation();
        allOperations = SloSettings.ALL_OPERATIONS.equals(operation);
        wakeUp();
    }

    @Override
    protected void stop() {
        running = false;
        Thread t = evaluator;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        keeper.save();
    }

    @Override
    public void onCall(Invocation inv, CallOutcome outcome, long latencyNanos, Throwable failure) {
        // The manager filters by the dwcp.operation service property; checking again keeps the
        // budget right under a manager that does not ('*' budgets see everything).
        if (!allOperations && !operation.equals(inv.operation())) {
            return;
        }
        long end = inv.timeSource() == clock ? inv.startNanos() + latencyNanos : clock.nanoTime();
        keeper.budget().record(end, outcome, latencyNanos);
    }

    /**
     * The manager's per-thread observer for {@code callerOperation}: whether this budget counts that
     * operation is decided once per configuration (not a string comparison per call), and the calls
     * go to this thread's own {@link OperationBudget.Writer}, made again when the budget is replaced
     * (a reconfiguration that changes its buckets).
     */
    @Override
    public CallObserver forCaller(String callerOperation) {
        return new CallObserver() {
            private String decidedFor;
            private boolean counts;
            private OperationBudget.Writer writer;

            @Override
            public void onCall(Invocation inv, CallOutcome outcome, long latencyNanos, Throwable failure) {
                String op = operation;
                if (op != decidedFor) { // the configured operation changed (or first call): decide again
                    counts = SloSettings.ALL_OPERATIONS.equals(op) || op.equals(callerOperation);
                    decidedFor = op;
                }
                if (!counts) {
                    return;
                }
                OperationBudget budget = keeper.budget();
                OperationBudget.Writer w = writer;
                if (w == null || w.budget() != budget) {
                    writer = w = budget.writer();
                }
                long end = inv.timeSource() == clock ? inv.startNanos() + latencyNanos : clock.nanoTime();
                w.record(end, outcome, latencyNanos);
            }
        };
    }

    /** @return the keeper in force (tests) */
    BudgetKeeper keeperForTests() {
        return keeper;
    }

    @Override
    public List<MetricsSnapshot> metrics() {
        return List.of(keeper.budget().figures().toMetrics());
    }

    private void wakeUp() {
        wakeRequested = true;
        Thread t = evaluator;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    private void evaluateLoop() {
        while (running) {
            wakeRequested = false;
            long started = System.nanoTime();
            try {
                keeper.runOnce();
            } catch (RuntimeException e) {
                logger.error("evaluation of the {} budget failed", operation, e);
            }
            long interval = keeper.budget().settings().evaluationInterval().toNanos();
            long earliest = started + MIN_EVALUATION_GAP_NANOS;
            long next = started + interval;
            long now;
            while (running && (now = System.nanoTime()) < next) {
                if (wakeRequested && now >= earliest) {
                    break;
                }
                LockSupport.parkNanos(this, (wakeRequested ? earliest : next) - now);
            }
        }
    }

    private void post(String topic, Map<String, Object> properties) {
        EventAdmin ea = eventAdmin;
        if (ea != null) {
            ea.postEvent(new Event(topic, properties));
        }
    }

    /** Reports of the keeper, to OSGi. */
    private final class ComponentSink implements SloSink {

        @Override
        public void post(String topic, Map<String, Object> properties) {
            SloObserver.this.post(topic, properties);
        }

        @Override
        public List<BudgetListener> listeners() {
            List<BudgetListener> l = listeners;
            return l == null ? List.of() : l;
        }

        @Override
        public void info(String message) {
            logger.info(message);
        }

        @Override
        public void warn(String message) {
            logger.warn(message);
        }

        @Override
        public void error(String message, Throwable failure) {
            logger.error(message, failure);
        }
    }
}
