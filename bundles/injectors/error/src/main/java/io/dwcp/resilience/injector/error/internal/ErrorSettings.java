package io.dwcp.resilience.injector.error.internal;

import io.dwcp.resilience.api.InjectedFaultException;
import io.dwcp.resilience.api.InvalidConfigurationException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;

/**
 * Validated settings of the error injector: which exception, with which message.
 *
 * @param exceptionType the exception class
 * @param constructor   its public (String) constructor, or {@code null} for {@link InjectedFaultException}
 * @param message       detail of each exception's message
 */
record ErrorSettings(Class<? extends Exception> exceptionType, Constructor<? extends Exception> constructor,
        String message) {

    static final String DEFAULT_EXCEPTION = "io.dwcp.resilience.api.InjectedFaultException";

    /**
     * @param className the exception's fully qualified name, visible to {@code loader}
     * @param message   the detail
     * @param loader    the class loader of the injector bundle (java.* and the API are visible)
     * @return the settings
     * @throws InvalidConfigurationException naming the PID, key, value and reason
     */
    static ErrorSettings of(String className, String message, ClassLoader loader) {
        String pid = ErrorInjectorConfig.PID;
        if (className == null || className.isBlank()) {
            throw new InvalidConfigurationException(pid, "exception", className, "an exception class name is required");
        }
        Class<?> type;
        try {
            type = Class.forName(className.trim(), false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new InvalidConfigurationException(pid, "exception", className,
                    "no such class visible to the error injector (use a java.* exception or the API's)");
        }
        if (!Exception.class.isAssignableFrom(type)) {
            throw new InvalidConfigurationException(pid, "exception", className,
                    "is not an Exception (Errors are the panic injector's business)");
        }
        if (Modifier.isAbstract(type.getModifiers())) {
            throw new InvalidConfigurationException(pid, "exception", className, "is abstract");
        }
        @SuppressWarnings("unchecked")
        Class<? extends Exception> exceptionType = (Class<? extends Exception>) type;
        String detail = message == null ? "" : message;
        if (exceptionType == InjectedFaultException.class) {
            return new ErrorSettings(exceptionType, null, detail);
        }
        try {
            return new ErrorSettings(exceptionType, exceptionType.getConstructor(String.class), detail);
        } catch (NoSuchMethodException e) {
            throw new InvalidConfigurationException(pid, "exception", className,
                    "has no public constructor taking a String message");
        }
    }

    /**
     * @param operation the call's operation
     * @return a new exception naming the operation and the injector
     */
    Exception create(String operation) {
        if (constructor == null) {
            return new InjectedFaultException(operation, ErrorInjector.NAME, message);
        }
        String text = operation + ": fault injected by chaos injector '" + ErrorInjector.NAME + "': " + message;
        try {
            return constructor.newInstance(text);
        } catch (InvocationTargetException | InstantiationException | IllegalAccessException e) {
            // The configured type cannot be made after all: still fail the call, clearly.
            return new InjectedFaultException(operation, ErrorInjector.NAME,
                    message + " (could not create " + exceptionType.getName() + ": " + e + ")");
        }
    }
}
