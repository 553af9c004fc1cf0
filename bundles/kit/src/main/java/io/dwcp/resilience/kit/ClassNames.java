package io.dwcp.resilience.kit;

import java.util.Set;

/**
 * Matching a failure against configured class names ({@link ConfigReader#classNames}) without
 * loading the classes: a name matches when the failure's class, a superclass or an interface has it.
 *
 * @since 1.1
 */
public final class ClassNames {

    private ClassNames() {
    }

    /** @return whether {@code type}, a superclass or an interface they implement is named in {@code names} */
    public static boolean matches(Class<?> type, Set<String> names) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (names.contains(c.getName()) || matchesInterface(c.getInterfaces(), names)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesInterface(Class<?>[] interfaces, Set<String> names) {
        for (Class<?> i : interfaces) {
            if (names.contains(i.getName()) || matchesInterface(i.getInterfaces(), names)) {
                return true;
            }
        }
        return false;
    }
}
