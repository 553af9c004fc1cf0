package io.dwcp.resilience.manager.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration of the resilience manager (PID {@value #PID}). */
@ObjectClassDefinition(id = ManagerConfig.PID, name = "DWCP resilience manager",
        description = "Builds the chain of protections of every DWCP operation from the stage services present.")
@interface ManagerConfig {

    String PID = "dwcp.manager";
    String KEY_DEFAULT_POLICY = "missing.stage.policy";
    String KEY_OVERRIDES = "missing.stage.policy.overrides";
    String KEY_MAX_OPERATIONS = "max.operations";
    String KEY_HOLD_KINDS = "missing.stage.hold.kinds";
    String KEY_HOLD_MS = "missing.stage.hold.ms";
    String KEY_STARTUP_GRACE_MS = "startup.grace.ms";
    String KEY_STAGE_PIDS = "startup.stage.pids";
    String DEFAULT_HOLD_KINDS = "load-shed,rate-limit,bulkhead,circuit-breaker";
    long DEFAULT_HOLD_MS = 2000;
    long DEFAULT_STARTUP_GRACE_MS = 10000;
    String DEFAULT_STAGE_PIDS = "dwcp.loadshed=load-shed,dwcp.ratelimiter.tokenbucket=rate-limit,"
            + "dwcp.ratelimiter.adaptive=rate-limit,dwcp.ratelimiter.concurrency=rate-limit,"
            + "dwcp.bulkhead.semaphore=bulkhead,dwcp.bulkhead.queue=bulkhead,dwcp.bulkhead.threadpool=bulkhead,"
            + "dwcp.circuitbreaker=circuit-breaker,dwcp.retry=retry,dwcp.timeout=timeout";

    @AttributeDefinition(name = "Missing-stage policy",
            description = "What a call does when no service provides a stage kind for its operation: "
                    + "bypass (run without that stage) or reject (fail at once with StageUnavailableException).",
            options = {@Option(label = "bypass", value = "bypass"), @Option(label = "reject", value = "reject")})
    String missing_stage_policy() default "bypass";

    @AttributeDefinition(name = "Policy overrides",
            description = "Rules <operation>:<kind>=<bypass|reject>; operation or kind may be *. The most specific "
                    + "rule wins. Example: consensus:circuit-breaker=reject", required = false)
    String[] missing_stage_policy_overrides() default {};

    @AttributeDefinition(name = "Maximum operations",
            description = "How many distinct operation names the manager keeps chains and metrics for (4 to 65536); "
                    + "calls of further new names are refused.", min = "4", max = "65536")
    int max_operations() default 256;

    @AttributeDefinition(name = "Kinds held when missing",
            description = "Stage kinds whose provider going away (bundle update, restart, swap) makes calls wait "
                    + "for a provider to come back, up to missing.stage.hold.ms, instead of running without them "
                    + "(make-before-break). Comma-separated kinds, * for all, empty for none.", required = false)
    String[] missing_stage_hold_kinds() default DEFAULT_HOLD_KINDS;

    @AttributeDefinition(name = "Hold time (ms)",
            description = "How long calls wait for a provider of a held kind to come back (0 to 60000); then the "
                    + "missing-stage policy applies. 0 disables holding.", min = "0", max = "60000")
    long missing_stage_hold_ms() default DEFAULT_HOLD_MS;

    @AttributeDefinition(name = "Start-up grace (ms)",
            description = "After the manager starts, calls of an operation wait until every stage kind its "
                    + "configuration names is bound, for at most this long (0 to 600000); then the missing-stage "
                    + "policy applies. 0 disables the start-up gate.", min = "0", max = "600000")
    long startup_grace_ms() default DEFAULT_STARTUP_GRACE_MS;

    @AttributeDefinition(name = "Stage factory PIDs",
            description = "Which factory configurations configure which stage kind, <factoryPid>=<kind>, "
                    + "comma-separated: the start-up gate reads them from ConfigurationAdmin (their dwcp.operation, "
                    + "* when absent) to know which kinds each operation is meant to have.", required = false)
    String[] startup_stage_pids() default DEFAULT_STAGE_PIDS;
}
