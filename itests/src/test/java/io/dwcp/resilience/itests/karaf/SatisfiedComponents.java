package io.dwcp.resilience.itests.karaf;

import java.util.ArrayList;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/** What SCR says of the components of some bundles; apart from {@link KarafIT}, which loads before SCR is installed. */
final class SatisfiedComponents {

    private SatisfiedComponents() {
    }

    /**
     * Every component of {@code bundles} that is disabled, or has a configuration neither satisfied nor
     * active, with its state and first missing reference. A component that requires a configuration
     * none was given for has no configuration at all, and is not listed.
     */
    static List<String> unsatisfied(BundleContext context, List<Bundle> bundles) {
        ServiceReference<ServiceComponentRuntime> ref = context.getServiceReference(ServiceComponentRuntime.class);
        if (ref == null) {
            return List.of("no ServiceComponentRuntime: SCR is not running");
        }
        ServiceComponentRuntime scr = context.getService(ref);
        try {
            List<String> bad = new ArrayList<>();
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(bundles.toArray(new Bundle[0]))) {
                if (!scr.isComponentEnabled(d)) {
                    bad.add(d.name + " disabled");
                    continue;
                }
                for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                    if (c.state != ComponentConfigurationDTO.SATISFIED && c.state != ComponentConfigurationDTO.ACTIVE) {
                        bad.add(d.name + " state " + c.state + (c.failure == null ? "" : " " + c.failure)
                                + (c.unsatisfiedReferences.length == 0 ? "" : " missing " + c.unsatisfiedReferences[0].name));
                    }
                }
            }
            return bad;
        } finally {
            context.ungetService(ref);
        }
    }
}
