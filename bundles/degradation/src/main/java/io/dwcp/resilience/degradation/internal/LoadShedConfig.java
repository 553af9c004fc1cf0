package io.dwcp.resilience.degradation.internal;

import io.dwcp.resilience.kit.ConfigReader;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the load-shedding stage ({@code dwcp.loadshed~<name>}). */
@ObjectClassDefinition(name = "DWCP load shedding",
        description = "Rejects calls with a probability that grows with the overall degradation level, least important operations first.")
public @interface LoadShedConfig {

    /** @return the operation(s) the stage serves */
    @AttributeDefinition(name = "Operation", description = ConfigReader.OPERATION_DESCRIPTION)
    String dwcp_operation() default "*";

    /** @return the priority order */
    @AttributeDefinition(name = "Priorities", description = "Operations, most important first, comma-separated. An operation not listed is shed like the last one.")
    String[] priorities() default { "consensus", "send", "sync", "receive" };

    /** @return shedding at DEGRADED */
    @AttributeDefinition(name = "Shed at DEGRADED", required = false, min = "0", max = "1",
            description = "Probabilities from the least important operation upward, comma-separated; operations beyond the list are not shed.")
    double[] shed_degraded() default { 0.2, 0.05 };

    /** @return shedding at SEVERELY_DEGRADED */
    @AttributeDefinition(name = "Shed at SEVERELY_DEGRADED", required = false, min = "0", max = "1",
            description = "As above, for SEVERELY_DEGRADED; at least the DEGRADED value for every operation.")
    double[] shed_severely_degraded() default { 0.5, 0.25, 0.1 };

    /** @return shedding at EMERGENCY */
    @AttributeDefinition(name = "Shed at EMERGENCY", required = false, min = "0", max = "1",
            description = "As above, for EMERGENCY; at least the SEVERELY_DEGRADED value for every operation.")
    double[] shed_emergency() default { 0.9, 0.6, 0.3 };
}
