package io.dwcp.resilience.injector.error.internal;

import io.dwcp.resilience.api.InjectedFaultException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.chaos.FaultInjector;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredInjector;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The {@code error} fault injector: fails the call with the configured exception in place of the
 * operation, which does not run. It holds nothing, so revert has nothing to undo.
 */
@Component(configurationPid = ErrorInjector.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, service = {},
        property = FaultInjector.NAME + "=" + ErrorInjector.NAME)
@Designate(ocd = ErrorInjector.Config.class)
public final class ErrorInjector extends ConfiguredInjector<ErrorInjector.Settings> {

    static final String PID = "dwcp.injector.error";
    static final String NAME = "error";
    static final String DEFAULT_EXCEPTION = "io.dwcp.resilience.api.InjectedFaultException";

    @ObjectClassDefinition(id = PID, name = "DWCP chaos injector: error",
            description = "Fails a call with an exception of a configurable type instead of running it.")
    @interface Config {
        @AttributeDefinition(name = "Exception type", description = "Fully qualified name of the exception to throw: "
                + "io.dwcp.resilience.api.InjectedFaultException, or any concrete java.* Exception with a public "
                + "(String) constructor, e.g. java.io.IOException, java.net.ConnectException.")
        String exception() default DEFAULT_EXCEPTION;

        @AttributeDefinition(name = "Message", description = "Detail in the exception's message.")
        String message() default "injected error";
    }

    /**
     * @param type        the exception class
     * @param constructor its public (String) constructor, or {@code null} for {@link InjectedFaultException}
     * @param message     detail of each exception's message
     */
    record Settings(Class<? extends Exception> type, Constructor<? extends Exception> constructor, String message) {
    }

    private final LongAdder thrown = new LongAdder();

    public ErrorInjector() {
        super(PID, NAME);
    }

    @Override
    protected Settings read(ConfigReader config) {
        Config c = config.typed(Config.class);
        String name = c.exception();
        String message = c.message();
        if (name.isEmpty()) {
            throw config.refuse("exception", name, "an exception class name is required");
        }
        Class<?> type;
        try {
            type = Class.forName(name, false, getClass().getClassLoader()); // java.* and the API are visible
        } catch (ClassNotFoundException | LinkageError e) {
            throw config.refuse("exception", name, "no such class visible to the error injector (use a java.* exception or the API's)");
        }
        if (!Exception.class.isAssignableFrom(type)) {
            throw config.refuse("exception", name, "is not an Exception (Errors are the panic injector's business)");
        }
        if (Modifier.isAbstract(type.getModifiers())) {
            throw config.refuse("exception", name, "is abstract");
        }
        @SuppressWarnings("unchecked")
        Class<? extends Exception> exceptionType = (Class<? extends Exception>) type;
        if (exceptionType == InjectedFaultException.class) {
            return new Settings(exceptionType, null, message);
        }
        try {
            return new Settings(exceptionType, exceptionType.getConstructor(String.class), message);
        } catch (NoSuchMethodException e) {
            throw config.refuse("exception", name, "has no public constructor taking a String message");
        }
    }

    @Override
    protected String describe(Settings s) {
        return "throws " + s.type().getName() + " ('" + s.message() + "')";
    }

    @Override
    public <T> T inject(Invocation inv, Next<T> next) throws Exception {
        thrown.increment();
        Settings s = settings();
        if (s.constructor() == null) {
            throw new InjectedFaultException(inv.operation(), NAME, s.message());
        }
        Exception e;
        try {
            e = s.constructor().newInstance(inv.operation() + ": fault injected by chaos injector '" + NAME + "': " + s.message());
        } catch (InvocationTargetException | InstantiationException | IllegalAccessException failed) {
            // The configured type cannot be made after all: still fail the call, clearly.
            e = new InjectedFaultException(inv.operation(), NAME,
                    s.message() + " (could not create " + s.type().getName() + ": " + failed + ")");
        }
        throw e;
    }

    @Override
    public void revert() {
        // An error is over once thrown: nothing stays in effect.
    }

    long thrown() {
        return thrown.sum();
    }

    @Override
    public List<MetricsSnapshot> metrics() {
        return snapshot(Map.<String, Number>of("thrown", thrown()));
    }
}
