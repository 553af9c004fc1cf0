package io.dwcp.resilience.manager.internal;

import io.dwcp.resilience.api.Call;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.TimeSource;
import io.github.resilience4j.decorators.Decorators;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.osgi.service.log.Logger;

/**
 * What chaos costs a call while it is not armed: the manager's chain of six pass-through stages
 * without the chaos stage, and the same chain with the real chaos engine component at its head,
 * both not allowed (production) and allowed but not armed. The difference between the first and the
 * other two is the engine's cost on every call; the budget is 5 ns.
 *
 * <p>Resilience4j and Failsafe have no chaos module to compare with; their cheapest decoration
 * (an empty {@code Decorators} chain) is measured in the same run as a reference point.
 *
 * <p>The engine is built exactly as DS builds it, through its public activation constructor, with
 * its configuration annotation and logger supplied by proxies: no container in a benchmark.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChaosOverheadBenchmark {

    private static final String RESULT = "ack";
    private static final Call<String> CALL = inv -> RESULT;
    private static final Supplier<String> SUPPLIER = () -> RESULT;
    private static final Next<String> NEXT = inv -> RESULT;

    private ChainManager withoutChaos;
    private ChainManager withChaosNotAllowed;
    private ChainManager withChaosAllowedNotArmed;
    private Supplier<String> r4jEmpty;
    private Stage passThrough;
    private Stage chaosNotAllowed;
    private Invocation invocation;

    @Setup
    public void setUp() throws Exception {
        withoutChaos = sixStages();
        withChaosNotAllowed = sixStages();
        withChaosNotAllowed.addStage(new StageRegistration(chaosStage(false), StageKind.CHAOS, Set.of(), 0, 100,
                "io.dwcp.resilience.chaos", "bench"));
        withChaosAllowedNotArmed = sixStages();
        withChaosAllowedNotArmed.addStage(new StageRegistration(chaosStage(true), StageKind.CHAOS, Set.of(), 0, 100,
                "io.dwcp.resilience.chaos", "bench"));
        r4jEmpty = Decorators.ofSupplier(SUPPLIER).decorate();
        passThrough = new ManagerOverheadBenchmark.P1();
        chaosNotAllowed = chaosStage(false);
        invocation = new PooledInvocation();
        ((PooledInvocation) invocation).start("send", "node-1", CALL, TimeSource.SYSTEM, System.nanoTime());
    }

    /** One stage on its own, without the manager around it: the floor of the comparison below. */
    @Benchmark
    public String stagePassThrough() throws Exception {
        return passThrough.execute(invocation, NEXT);
    }

    /** The chaos stage on its own, not allowed: its whole cost is this minus {@link #stagePassThrough()}. */
    @Benchmark
    public String stageChaosNotAllowed() throws Exception {
        return chaosNotAllowed.execute(invocation, NEXT);
    }

    @Benchmark
    public String managerSixStagesWithoutChaos() throws Exception {
        return withoutChaos.execute("send", "node-1", CALL);
    }

    @Benchmark
    public String managerSixStagesPlusChaosNotAllowed() throws Exception {
        return withChaosNotAllowed.execute("send", "node-1", CALL);
    }

    @Benchmark
    public String managerSixStagesPlusChaosAllowedNotArmed() throws Exception {
        return withChaosAllowedNotArmed.execute("send", "node-1", CALL);
    }

    @Benchmark
    public String resilience4jDecoratorsEmpty() {
        return r4jEmpty.get();
    }

    private static ChainManager sixStages() {
        ManagerLog quiet = new ManagerLog() {
            @Override
            public void info(String message) {
            }

            @Override
            public void warn(String message) {
            }

            @Override
            public void error(String message, Throwable cause) {
            }
        };
        ChainManager manager = new ChainManager(quiet, changed -> { }, (o, op, t) -> { });
        Stage[] stages = {new ManagerOverheadBenchmark.P1(), new ManagerOverheadBenchmark.P2(),
            new ManagerOverheadBenchmark.P3(), new ManagerOverheadBenchmark.P4(), new ManagerOverheadBenchmark.P5(),
            new ManagerOverheadBenchmark.P6()};
        StageKind[] kinds = {StageKind.LOAD_SHED, StageKind.RATE_LIMIT, StageKind.BULKHEAD,
            StageKind.CIRCUIT_BREAKER, StageKind.RETRY, StageKind.TIMEOUT};
        for (int i = 0; i < stages.length; i++) {
            manager.addStage(new StageRegistration(stages[i], kinds[i], Set.of(), 0, i + 1, "bench", "1"));
        }
        return manager;
    }

    /** The engine component with the given {@code allowed} and every other key at its default. */
    private static Stage chaosStage(boolean allowed) throws Exception {
        Class<?> stageClass = Class.forName("io.dwcp.resilience.chaos.internal.ChaosEngineStage");
        Object quietLogger = Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                ChaosOverheadBenchmark::nothing);
        Object stage = stageClass.getConstructor().newInstance();
        // the stage kit's lifecycle: what DS would inject, then activation outside a framework
        stageClass.getMethod("setServices", Logger.class, org.osgi.service.event.EventAdmin.class)
                .invoke(stage, quietLogger, null);
        stageClass.getMethod("activate", org.osgi.framework.BundleContext.class, Map.class)
                .invoke(stage, null, Map.of("allowed", allowed));
        return (Stage) stage;
    }

    private static Object nothing(Object proxy, Method method, Object[] args) {
        return method.getReturnType() == boolean.class ? Boolean.FALSE : null; // isXxxEnabled, or void
    }
}
