package io.dwcp.resilience.chaos.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the chaos engine, PID {@value #PID}. */
@ObjectClassDefinition(id = ChaosConfig.PID, name = "DWCP chaos engine",
        description = "Fault injection for resilience testing. Off by default: the configuration must allow it "
                + "(allowed=true) and then an operator arms it for a bounded time.")
public @interface ChaosConfig {

    /** The configuration PID. */
    String PID = "dwcp.chaos";

    /** @return whether an operator may arm chaos at all (the first key) */
    @AttributeDefinition(name = "Allowed", description = "Whether chaos may be armed at all. False in production; "
            + "setting it to false while armed disarms at once.")
    boolean allowed() default false;

    /** @return chance that an in-scope call gets a fault while armed */
    @AttributeDefinition(name = "Probability", min = "0", max = "1",
            description = "Chance in [0, 1] that an in-scope call gets a fault while armed; an arm request may override it.")
    double probability() default 0.01;

    /** @return operations in scope */
    @AttributeDefinition(name = "Operations", description = "Comma-separated operation names in scope, or * for all.")
    String operations() default "*";

    /** @return peers in scope */
    @AttributeDefinition(name = "Peers", description = "Comma-separated peer ids in scope, or * for all.")
    String peers() default "*";

    /** @return injector selection and weights */
    @AttributeDefinition(name = "Injectors", description = "Comma-separated name:weight pairs, e.g. latency:3,error:1 "
            + "(weight 1 when omitted); empty selects every registered injector with weight 1.")
    String injectors() default "";

    /** @return the longest an operator may arm chaos for */
    @AttributeDefinition(name = "Maximum arm duration (s)", min = "1", max = "9223372036",
            description = "The longest duration an arm request may ask for, in seconds.")
    long max_arm_seconds() default 3600;

    /** @return whether calls to partitioned peers fail (decided at the chaos stage, failed at the operation) */
    @AttributeDefinition(name = "Enforce partitions", description = "While armed, fail calls addressed to a peer that "
            + "a PartitionPolicy reports partitioned, where the operation runs, inside every protection (until the "
            + "transport enforces partitions itself).")
    boolean partition_enforce() default true;
}
