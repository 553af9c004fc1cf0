package io.dwcp.resilience.injector.panic.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration of the panic injector, PID {@value #PID}. */
@ObjectClassDefinition(id = PanicInjectorConfig.PID, name = "DWCP chaos injector: panic",
        description = "Throws an unchecked exception or an Error from inside the call: code that was not written to fail.")
@interface PanicInjectorConfig {

    String PID = "dwcp.injector.panic";

    @AttributeDefinition(name = "Kind", description = "exception: a RuntimeException; error: an Error; "
            + "mixed: either, half the time each.",
            options = {@Option(label = "exception", value = "exception"), @Option(label = "error", value = "error"),
                    @Option(label = "mixed", value = "mixed")})
    String kind() default "exception";
}
