package io.dwcp.resilience.kit;

import java.util.Set;

/**
 * How every component matches a failure against a configured list of class names (read with
 * {@link ConfigReader#classNames}): a name matches the failure's class, any superclass and any
 * interface either implements. Names, not classes: the exception types live in bundles whose
 * classes the component cannot (and should not) load.
 */
public final class ExceptionNames {

    private ExceptionNames() {
    }

    /**
     * @param failure what a call threw
     * @param names   fully qualified class or interface names
     * @return whether one of {@code names} is the failure's class, a superclass or an interface of it
     */
    public static boolean matches(Throwable failure, Set<String> names) {
        if (names.isEmpty()) {
            return false;
        }
        for (Class<?> c = failure.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            if (names.contains(c.getName()) || anyInterface(c.getInterfaces(), names)) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyInterface(Class<?>[] interfaces, Set<String> names) {
        for (Class<?> i : interfaces) {
            if (names.contains(i.getName()) || anyInterface(i.getInterfaces(), names)) {
                return true;
            }
        }
        return false;
    }
}
