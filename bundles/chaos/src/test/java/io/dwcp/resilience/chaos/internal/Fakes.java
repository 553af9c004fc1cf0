package io.dwcp.resilience.chaos.internal;

import io.dwcp.resilience.api.InjectedFaultException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.chaos.ChaosStatus;
import io.dwcp.resilience.api.chaos.FaultInjector;
import io.dwcp.resilience.kit.ConfigReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Test doubles of the engine's collaborators. */
final class Fakes {

    private Fakes() {
    }

    /** @return the settings of a configuration with these values, read as the component reads them */
    static ChaosSettings settings(boolean allowed, double probability, String operations, String peers, String injectors,
            long maxArmSeconds, boolean enforcePartitions) {
        return ChaosSettings.from(new ConfigReader(ChaosConfig.PID, Map.of("allowed", allowed, "probability", probability,
                "operations", operations, "peers", peers, "injectors", injectors, "max.arm.seconds", maxArmSeconds,
                "partition.enforce", enforcePartitions)));
    }

    /** An injector that counts its injections and reverts, and fails the call. */
    static class CountingInjector implements FaultInjector {
        final String name;
        final AtomicInteger injections = new AtomicInteger();
        final AtomicInteger reverts = new AtomicInteger();

        CountingInjector(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public <T> T inject(Invocation inv, Next<T> next) {
            injections.incrementAndGet();
            throw new InjectedFaultException(inv.operation(), name, "test fault");
        }

        @Override
        public void revert() {
            reverts.incrementAndGet();
        }
    }

    /** Records the audit trail. */
    static final class RecordingAudit implements ChaosAudit {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void armed(ChaosStatus status) {
            lines.add("armed " + status.reason());
        }

        @Override
        public void refused(String reason) {
            lines.add("refused " + reason);
        }

        @Override
        public void idle(ChaosStatus status) {
            lines.add("idle " + status.weights().keySet());
        }

        @Override
        public void disarmed(String reason, boolean wasArmed, ChaosStatus status) {
            lines.add((wasArmed ? "disarmed " : "kill switch ") + reason);
        }

        final java.util.concurrent.atomic.AtomicLong injected = new java.util.concurrent.atomic.AtomicLong();

        @Override
        public void injected(String injector, Invocation inv) {
            injected.incrementAndGet(); // counted, not recorded: tests inject 100 000 times
        }

        @Override
        public void revertFailed(String injector, Throwable failure) {
            lines.add("revert failed " + injector);
        }

        long count(String prefix) {
            if (prefix.equals("injected")) {
                return injected.get();
            }
            synchronized (lines) {
                return lines.stream().filter(l -> l.startsWith(prefix)).count();
            }
        }
    }

    /**
     * The end of a chain, as the manager builds it: runs the invocation's operation interceptor (the
     * chaos stage's fault) around {@code call}, or {@code call} alone.
     */
    static <T> Next<T> operation(Next<T> call) {
        return inv -> {
            Stage interceptor = ((TestInvocation) inv).operationInterceptor();
            return interceptor == null ? call.proceed(inv) : interceptor.execute(inv, call);
        };
    }

    /** The operation: succeeds. */
    static final Next<String> OK = operation(inv -> "ok");
}
