package io.dwcp.resilience.api;

/**
 * A fault injected on purpose by the chaos engine. Retryable, as the real fault it imitates.
 */
public class InjectedFaultException extends ResilienceException {

    private static final long serialVersionUID = 1L;

    private final String injector;

    /**
     * @param operation the operation
     * @param injector  the fault injector's name, e.g. {@code error}
     * @param detail    what was injected
     */
    public InjectedFaultException(String operation, String injector, String detail) {
        super(operation, "fault injected by chaos injector '" + injector + "': " + detail, null, true);
        this.injector = injector;
    }

    /** @return the name of the injector that raised it */
    public String injector() {
        return injector;
    }

    @Override
    public boolean isRejection() {
        return false;
    }
}
