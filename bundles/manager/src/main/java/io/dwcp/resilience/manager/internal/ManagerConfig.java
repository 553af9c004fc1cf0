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
}
