package io.dwcp.resilience.api.event;

/**
 * EventAdmin topics of the resilience layer and the property names their events carry. Every topic
 * sits under {@value #TOPIC_ROOT}; subscribe to {@code dwcp/resilience/*} for all of them.
 */
public final class ResilienceEvents {

    /** The root of every topic. */
    public static final String TOPIC_ROOT = "dwcp/resilience";

    /** The chain of one or more operations changed (a stage came, went or was re-ranked). */
    public static final String CHAIN_CHANGED = TOPIC_ROOT + "/manager/CHAIN_CHANGED";
    /** A configuration was refused; properties {@link #PID}, {@link #KEY}, {@link #REASON}. */
    public static final String CONFIGURATION_REFUSED = TOPIC_ROOT + "/config/REFUSED";
    /** A circuit breaker changed state; {@link #FROM}, {@link #TO}. */
    public static final String CIRCUIT_BREAKER_STATE_CHANGED = TOPIC_ROOT + "/circuitbreaker/STATE_CHANGED";
    /** A rate limit or concurrency limit changed; {@link #FROM}, {@link #TO}. */
    public static final String RATE_LIMIT_CHANGED = TOPIC_ROOT + "/ratelimiter/LIMIT_CHANGED";
    /** A retry attempt is about to be made; {@link #ATTEMPT}. */
    public static final String RETRY_ATTEMPT = TOPIC_ROOT + "/retry/ATTEMPT";
    /** An adaptive timeout changed; {@link #FROM}, {@link #TO} in milliseconds. */
    public static final String TIMEOUT_CHANGED = TOPIC_ROOT + "/timeout/CHANGED";
    /** A health check's status changed; {@link #NAME}, {@link #FROM}, {@link #TO}. */
    public static final String HEALTH_STATUS_CHANGED = TOPIC_ROOT + "/health/STATUS_CHANGED";
    /** A degradation level changed; {@link #COMPONENT}, {@link #FROM}, {@link #TO}. */
    public static final String DEGRADATION_LEVEL_CHANGED = TOPIC_ROOT + "/degradation/LEVEL_CHANGED";
    /** An error or latency budget ran out. */
    public static final String BUDGET_EXHAUSTED = TOPIC_ROOT + "/slo/BUDGET_EXHAUSTED";
    /** An exhausted budget has room again. */
    public static final String BUDGET_RECOVERED = TOPIC_ROOT + "/slo/BUDGET_RECOVERED";
    /** A burn-rate alert fired or cleared. */
    public static final String BURN_RATE_ALERT = TOPIC_ROOT + "/slo/BURN_RATE_ALERT";
    /** A durable state record was corrupt and set aside; {@link #KEY}, {@link #REASON}. */
    public static final String STATE_CORRUPT = TOPIC_ROOT + "/state/CORRUPT";
    /** Chaos was armed. */
    public static final String CHAOS_ARMED = TOPIC_ROOT + "/chaos/ARMED";
    /** Chaos was disarmed (by an operator, by expiry or by the kill switch). */
    public static final String CHAOS_DISARMED = TOPIC_ROOT + "/chaos/DISARMED";
    /** A fault was injected; {@link #NAME} is the injector. */
    public static final String CHAOS_INJECTED = TOPIC_ROOT + "/chaos/INJECTED";

    /** Property: the operation concerned. */
    public static final String OPERATION = "operation";
    /** Property: the state, level or value before the change. */
    public static final String FROM = "from";
    /** Property: the state, level or value after the change. */
    public static final String TO = "to";
    /** Property: why, in words. */
    public static final String REASON = "reason";
    /** Property: a configuration PID. */
    public static final String PID = "pid";
    /** Property: a configuration key. */
    public static final String KEY = "key";
    /** Property: the name of a check, injector or feature. */
    public static final String NAME = "name";
    /** Property: the component a degradation level belongs to. */
    public static final String COMPONENT = "component";
    /** Property: an attempt number. */
    public static final String ATTEMPT = "attempt";
    /** Property: wall-clock milliseconds of the change. */
    public static final String TIMESTAMP = "timestamp";

    private ResilienceEvents() {
    }
}
