package io.dwcp.resilience.fallback.internal;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.MetricsSource;
import io.dwcp.resilience.fallback.internal.FallbackSettings.Way;
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredComponent;
import io.dwcp.resilience.kit.ExceptionNames;
import io.dwcp.resilience.kit.PerKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The fallback stage: a kind of its own ({@value #KIND}), in the slot after chaos by default, so
 * that it answers whatever the protections inside it end in (a rejection, an open breaker, retries
 * exhausted, a timeout). On a failure it names ({@code on}), it tries the configured ways in order:
 * the same call to other peers (through the rest of the chain, so each peer's own breaker and
 * bulkhead judge it), the last good response from the same peer, a static response. When none
 * answers, the original failure is thrown with the others suppressed.
 */
@Component(configurationPid = FallbackStage.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = FallbackConfig.class, factory = true)
public final class FallbackStage extends ConfiguredComponent<FallbackSettings> implements Stage, MetricsSource {

    /** The factory PID. */
    public static final String PID = "dwcp.fallback";
    /** The stage kind. */
    public static final String KIND = "fallback";

    private volatile PerKey<Operation> operations;

    /** One operation's last good responses and counters. */
    private static final class Operation {
        final String name;
        final LastGoodResponses lastGood;
        final FallbackMetrics metrics = new FallbackMetrics();

        Operation(String name, int maxPeers) {
            this.name = name;
            lastGood = new LastGoodResponses(maxPeers);
        }
    }

    public FallbackStage() {
        super(PID, KIND, Stage.class, MetricsSource.class);
    }

    @Override
    protected FallbackSettings read(ConfigReader config) {
        return FallbackSettings.read(config);
    }

    @Override
    protected void start(FallbackSettings settings) {
        operations = new PerKey<>(settings.operation(), op -> new Operation(op, settings.maxPeers()));
    }

    @Override
    protected void apply(FallbackSettings previous, FallbackSettings next) {
        if (!previous.operation().equals(next.operation()) || previous.maxPeers() != next.maxPeers()) {
            start(next); // another scope or bound: responses kept so far belong to the old one
        }
    }

    @Override
    protected String stagePosition() {
        return settings().position().toString();
    }

    @Override
    public <T> T execute(Invocation inv, Next<T> next) throws Exception {
        FallbackSettings s = settings();
        Operation op = operations.get(inv.operation());
        T result;
        try {
            result = next.proceed(inv);
        } catch (Exception failure) {
            if (!ExceptionNames.matches(failure, s.on())) {
                throw failure;
            }
            return recover(inv, next, failure, s, op);
        }
        if (s.use().contains(Way.LAST_GOOD)) {
            op.lastGood.record(inv.peer(), result, inv.startNanos());
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private <T> T recover(Invocation inv, Next<T> next, Exception failure, FallbackSettings s, Operation op)
            throws Exception {
        op.metrics.failures.increment();
        for (Way way : s.use()) {
            switch (way) {
                case PEERS:
                    if (inv.peer().isEmpty()) {
                        break; // a call to no peer in particular cannot go to another
                    }
                    for (String peer : s.peers()) {
                        if (peer.equals(inv.peer())) {
                            continue;
                        }
                        if (inv.remainingNanos(inv.timeSource().nanoTime()) <= 0) {
                            break; // the caller's deadline has passed: no other peer can answer in time
                        }
                        try {
                            T answer = next.proceed(inv.detachTo(peer));
                            op.metrics.byPeer.increment();
                            return answer;
                        } catch (Exception other) {
                            failure.addSuppressed(other);
                        }
                    }
                    break;
                case LAST_GOOD:
                    LastGoodResponses.Slot slot = op.lastGood.get(inv.peer());
                    if (slot != null && (s.maxAgeNanos() == 0
                            || inv.timeSource().nanoTime() - slot.atNanos() <= s.maxAgeNanos())) {
                        op.metrics.byLastGood.increment();
                        return (T) slot.response();
                    }
                    break;
                default:
                    op.metrics.byStatic.increment();
                    return (T) s.staticResponse();
            }
        }
        op.metrics.unanswered.increment();
        throw failure;
    }

    @Override
    public List<MetricsSnapshot> metrics() {
        PerKey<Operation> ops = operations;
        List<MetricsSnapshot> snapshots = new ArrayList<>();
        if (ops == null) {
            return snapshots;
        }
        long now = System.currentTimeMillis();
        for (Operation op : ops.all()) {
            FallbackMetrics m = op.metrics;
            Map<String, Number> values = new LinkedHashMap<>();
            values.put("failures", m.failures.sum());
            values.put("answeredByPeer", m.byPeer.sum());
            values.put("answeredByLastGood", m.byLastGood.sum());
            values.put("answeredByStatic", m.byStatic.sum());
            values.put("unanswered", m.unanswered.sum());
            values.put("lastGoodPeers", op.lastGood.size());
            snapshots.add(new MetricsSnapshot(KIND, op.name, values, now));
        }
        return snapshots;
    }
}
