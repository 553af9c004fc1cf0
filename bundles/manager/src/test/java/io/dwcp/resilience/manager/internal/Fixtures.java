package io.dwcp.resilience.manager.internal;

import io.dwcp.resilience.api.CallObserver;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.StageKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/** Fake stages and a recording log for the manager's tests. */
final class Fixtures {

    /** The stages the current thread's call passed, in order. */
    static final ThreadLocal<List<String>> TRACE = ThreadLocal.withInitial(ArrayList::new);
    private static final AtomicLong IDS = new AtomicLong(1000);

    private Fixtures() {
    }

    /** A pass-through stage that appends its name to the call's trace attribute. */
    static final class TracingStage implements Stage {
        final String name;

        TracingStage(String name) {
            this.name = name;
        }

        @Override
        public <T> T execute(Invocation inv, Next<T> next) throws Exception {
            TRACE.get().add(name);
            return next.proceed(inv);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static StageRegistration registration(Stage stage, StageKind kind, int ranking, String... operations) {
        return registration(stage, kind, ranking, IDS.incrementAndGet(), operations);
    }

    static StageRegistration registration(Stage stage, StageKind kind, int ranking, long serviceId,
            String... operations) {
        return new StageRegistration(stage, kind, Set.of(operations), ranking, serviceId, "test.bundle", "1.0.0");
    }

    /** Runs a call that collects the names of the stages it passed. */
    static List<String> trace(ChainManager manager, String operation) throws Exception {
        TRACE.get().clear();
        manager.execute(operation, inv -> TRACE.get().add("operation"));
        List<String> trace = new ArrayList<>(TRACE.get());
        TRACE.get().clear();
        return trace;
    }

    static final class RecordingLog implements ManagerLog {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void info(String message) {
            lines.add("INFO " + message);
        }

        @Override
        public void warn(String message) {
            lines.add("WARN " + message);
        }

        @Override
        public void error(String message, Throwable cause) {
            lines.add("ERROR " + message);
        }
    }

    static ChainManager manager(RecordingLog log) {
        return new ChainManager(log, changed -> { }, (CallObserver o, String op, Throwable t) -> log.error(
                "observer failed: " + t, t));
    }
}
