package io.dwcp.resilience.injector.timeout.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the timeout injector, PID {@value #PID}. */
@ObjectClassDefinition(id = TimeoutInjectorConfig.PID, name = "DWCP chaos injector: timeout",
        description = "Holds a call until its deadline (at most max.hold.ms), then fails it as timed out, "
                + "as a peer that never answers would.")
@interface TimeoutInjectorConfig {

    String PID = "dwcp.injector.timeout";

    @AttributeDefinition(name = "Maximum hold (ms)", min = "0", max = "600000",
            description = "How long a call without a deadline, or with one further away, is held before it fails.")
    long max_hold_ms() default 10_000;
}
