package io.dwcp.resilience.injector.error.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the error injector, PID {@value #PID}. */
@ObjectClassDefinition(id = ErrorInjectorConfig.PID, name = "DWCP chaos injector: error",
        description = "Fails a call with an exception of a configurable type instead of running it.")
@interface ErrorInjectorConfig {

    String PID = "dwcp.injector.error";

    @AttributeDefinition(name = "Exception type", description = "Fully qualified name of the exception to throw: "
            + "io.dwcp.resilience.api.InjectedFaultException, or any concrete java.* Exception with a public "
            + "(String) constructor, e.g. java.io.IOException, java.net.ConnectException.")
    String exception() default ErrorSettings.DEFAULT_EXCEPTION;

    @AttributeDefinition(name = "Message", description = "Detail in the exception's message.")
    String message() default "injected error";
}
