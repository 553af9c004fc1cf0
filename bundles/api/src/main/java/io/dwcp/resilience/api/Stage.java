package io.dwcp.resilience.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One protection in the chain of an operation (a circuit breaker, a rate limiter, ...).
 *
 * <p>A bundle provides a stage by registering this interface as a service with the service
 * properties {@link #KIND} (one of the {@link StageKind} ids, or a kind of its own), optionally
 * {@link #OPERATION} (the operation names it protects, {@value #ANY_OPERATION} when absent) and
 * {@code service.ranking}. For each operation and each kind the manager uses one stage: an
 * operation-specific stage beats a {@value #ANY_OPERATION} one, then the higher ranking wins,
 * then the older service.
 *
 * <p>A kind of its own (since 1.3: {@code fallback}, {@code hedge}, a third party's) also states
 * its slot in {@link #POSITION}, e.g. {@code after:chaos}; see {@link StagePosition}. The
 * manager places it there and treats it as optional: the missing-stage policy and
 * make-before-break apply to the built-in kinds only.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@code execute} runs on the caller's thread and must be thread-safe; it either calls
 *       {@code next.proceed(inv)} (zero, one or several times) or throws.</li>
 *   <li>The {@link Invocation} is valid only until {@code execute} returns. A stage that lets the
 *       rest of the chain run on another thread that may outlive the call must pass
 *       {@link Invocation#detach()} to {@code next}.</li>
 *   <li>A stage reads time from {@link Invocation#timeSource()} and prefers
 *       {@link Invocation#startNanos()} to a fresh clock read on its success path.</li>
 *   <li>A rejection is reported with a {@link ResilienceException} subclass that names the
 *       operation and the reason.</li>
 * </ul>
 */
@ConsumerType
public interface Stage {

    /** Service property: the stage kind, one of {@link StageKind#id()} (e.g. {@code circuit-breaker}). */
    String KIND = "dwcp.stage";

    /** Service property: operation name(s) this stage protects (String or String[]); absent means all. */
    String OPERATION = "dwcp.operation";

    /**
     * Service property of a stage whose {@link #KIND} is not built in: where its slot is, as
     * {@code before:<kind>} or {@code after:<kind>} ({@link StagePosition#parse}). Ignored for a
     * built-in kind, whose slot is fixed.
     *
     * @since 1.3
     */
    String POSITION = "dwcp.stage.position";

    /** Value of {@link #OPERATION} that matches every operation. */
    String ANY_OPERATION = "*";

    /**
     * Runs this protection around the rest of the chain.
     *
     * @param inv  the call being made
     * @param next the rest of the chain, ending with the operation itself
     * @param <T>  the call's result type
     * @return what the rest of the chain returned (or a substitute, e.g. a fallback)
     * @throws Exception what the rest of the chain threw, or a {@link ResilienceException}
     */
    <T> T execute(Invocation inv, Next<T> next) throws Exception;
}
