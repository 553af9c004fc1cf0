package io.dwcp.resilience.kit;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.Operations;
import io.dwcp.resilience.api.Stage;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.osgi.service.log.Logger;

/**
 * The one reader of configuration values: every component reads its keys through it, so a key
 * behaves the same in every bundle and every refusal is worded the same way, as an
 * {@link InvalidConfigurationException} naming PID, key, value and reason.
 *
 * <p>Values may arrive as their own type (typed {@code .config} files, the ConfigAdmin API), as
 * text ({@code .cfg} files, Karaf's {@code etc/}), or as one-element arrays. A component always
 * receives its configuration as the raw map and reads it here, never through SCR's conversion of a
 * typed {@code @interface}: SCR throws a bare {@code ComponentException} out of the annotation
 * method for an unparsable value, after the component has started applying the configuration.
 * It reads only through {@link #typed(Class)}, the same {@code @interface} view with this reader's
 * refusals and the Metatype's bounds (kit 2.0: the per-key getters of 1.x, {@code intValue} and the
 * like, are gone, so a bound cannot be written a second time beside a call).
 *
 * <p>Conventions every component follows (documented once, in {@code docs/DESIGN.md}):
 * {@value Stage#OPERATION} is an operation name or {@code *} and defaults to {@code *}; lists are
 * comma-separated; enum values match case-insensitively with {@code -} or {@code _} between words;
 * class-name lists match subclasses and interfaces.
 *
 * <p>No silent change of protection: an operation name DWCP does not know ({@link #KNOWN_OPERATIONS})
 * is refused unless the configuration says it means a new operation ({@code dwcp.operation.new = true},
 * {@link #NEW_OPERATION_SUFFIX}), so that {@code dwcp.operation = snd} does not take the retry away
 * from {@code send}; and the reader remembers which keys were read, so that a misspelt or stray key
 * ({@link #unreadKeys()}) is logged ({@link #warnUnreadKeys(Logger)}) instead of silently ignored.
 */
public final class ConfigReader {

    private static final Pattern CLASS_NAME = Pattern.compile(
            "\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*");

    /** The operations a configuration may name without saying that it means a new one. */
    public static final List<String> KNOWN_OPERATIONS = Operations.DWCP;

    /**
     * Appended to an operation key ({@code dwcp.operation.new}, {@code operations.new}): {@code true}
     * lets that key name operations not in {@link #KNOWN_OPERATIONS}.
     */
    public static final String NEW_OPERATION_SUFFIX = ".new";

    /**
     * Metatype description of a stage's {@value Stage#OPERATION} (default {@code *}): the key's one text,
     * whichever stage it configures.
     */
    public static final String OPERATION_DESCRIPTION = "The operation protected (send, receive, sync, consensus; "
            + "another name with dwcp.operation.new = true), or * for every operation, each with an instance of its own.";

    /** Metatype description of a stage's {@code service.ranking}: the key's one text. */
    public static final String RANKING_DESCRIPTION = "Of several stages of one kind configured for an operation, the "
            + "manager uses the highest-ranked: raise it to swap strategies without a gap.";

    /** What FileInstall adds to a configuration read from a file: the file's URL. */
    public static final String FILE_KEY = "felix.fileinstall.filename";

    private final String pid;
    private final Map<String, ?> properties;
    /** Keys asked for, present or not; a typed view may ask from another thread. */
    private final Set<String> read = ConcurrentHashMap.newKeySet();

    /**
     * @param pid        the configuration's PID, named in every refusal
     * @param properties the configuration, as SCR or ConfigAdmin delivers it
     */
    public ConfigReader(String pid, Map<String, ?> properties) {
        this.pid = pid;
        this.properties = properties;
    }

    /**
     * @param properties a component's properties
     * @param fallback   the PID to name when they carry none (a component started without configuration)
     * @return a reader naming the configuration's own PID ({@code service.pid}, e.g. {@code dwcp.retry~send})
     */
    public static ConfigReader of(Map<String, ?> properties, String fallback) {
        return new ConfigReader(pidOf(properties, fallback), properties);
    }

    /**
     * @param properties a component's properties
     * @param fallback   the PID to name when they carry none
     * @return {@code service.pid}, or {@code fallback}
     */
    public static String pidOf(Map<String, ?> properties, String fallback) {
        Object pid = properties.get("service.pid");
        return pid == null ? fallback : pid.toString();
    }

    /** @return the PID named in refusals */
    public String pid() {
        return pid;
    }

    /** @return whether the key has a value */
    public boolean has(String key) {
        return get(key) != null;
    }

    /** Reads a key's raw value, remembering that the key is a setting. */
    private Object get(String key) {
        read.add(key);
        return properties.get(key);
    }

    /**
     * Marks keys as settings of this configuration without reading them: keys a component reads
     * only later, or that another component of the same configuration reads.
     *
     * @return this reader
     */
    public ConfigReader uses(String... keys) {
        read.addAll(List.of(keys));
        return this;
    }

    /**
     * @return the keys of the configuration that nothing read (so far): misspelt keys, a stray line
     *         of a {@code .cfg} file, keys of another mode; sorted. Keys that SCR, ConfigAdmin,
     *         FileInstall, Karaf and the component description add are not counted
     *         ({@code service.*}, {@code component.*}, {@code felix.*}, {@code org.apache.*},
     *         {@code osgi.*}, {@code event.*}, {@code *.target}, {@code objectClass},
     *         {@code dwcp.stage}, and private keys starting with {@code .}).
     */
    public List<String> unreadKeys() {
        Set<String> unread = new TreeSet<>();
        for (String key : properties.keySet()) {
            if (!read.contains(key) && !notASetting(key)) {
                unread.add(key);
            }
        }
        return List.copyOf(unread);
    }

    /**
     * Logs a WARN line per {@linkplain #unreadKeys() unread key}, naming the configuration (its file
     * when FileInstall read it from one, and its PID) and the key. Call it once a whole
     * configuration has been read and accepted; {@link ConfiguredComponent} does.
     *
     * @param logger where to log, or {@code null}
     * @return the keys warned about
     */
    public List<String> warnUnreadKeys(Logger logger) {
        List<String> unread = unreadKeys();
        if (logger != null) {
            for (String key : unread) {
                logger.warn("configuration " + source() + ": unknown key '" + key + "' ignored (value '"
                        + text(properties.get(key)) + "'): not a setting of this configuration, or not used with its "
                        + "other settings; check its spelling");
            }
        }
        return unread;
    }

    /** @return the PID, with the file it was read from when FileInstall read it from one */
    public String source() {
        Object file = properties.get(FILE_KEY);
        return file == null ? pid : pid + " (" + file + ")";
    }

    /** @return whether {@code key} may be a setting: not one SCR, ConfigAdmin, FileInstall or Karaf add ({@link #unreadKeys()}) */
    static boolean isSetting(String key) {
        return !notASetting(key);
    }

    private static boolean notASetting(String key) {
        return key.startsWith("service.") || key.startsWith("component.") || key.startsWith("felix.")
                || key.startsWith("org.apache.") || key.startsWith("osgi.") || key.startsWith("event.")
                || key.startsWith(".") || key.endsWith(".target") || key.equals("objectClass")
                || key.equals(Stage.KIND);
    }

    private static String text(Object value) {
        if (value != null && value.getClass().isArray()) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < Array.getLength(value); i++) {
                parts.add(String.valueOf(Array.get(value, i)));
            }
            return String.join(",", parts);
        }
        return String.valueOf(value);
    }

    /** @return a refusal of {@code value} for {@code key}, worded like every other */
    public InvalidConfigurationException refuse(String key, Object value, String reason) {
        return new InvalidConfigurationException(pid, key, value, reason);
    }

    /**
     * An operation name: one of {@link #KNOWN_OPERATIONS}, {@code *}, or, when
     * {@code <key>.new = true}, any valid name.
     *
     * @param defaultValue what an absent key means, or {@code null} to make the key required
     */
    private String operation(String key, String defaultValue) {
        Object raw = single(key);
        String operation = raw == null ? defaultValue : raw.toString().trim();
        Object allowNew = single(key + NEW_OPERATION_SUFFIX);
        if (operation == null) {
            throw refuse(key, null, "required: an operation name or " + Stage.ANY_OPERATION);
        }
        return checkOperation(key, operation, allowNew != null && toBoolean(key + NEW_OPERATION_SUFFIX, allowNew));
    }

    private String checkOperation(String key, String operation, boolean allowNew) {
        if (Stage.ANY_OPERATION.equals(operation)) {
            return operation;
        }
        try {
            Operations.validate(operation);
        } catch (IllegalArgumentException e) {
            throw refuse(key, operation, e.getMessage() + " (or * for every operation)");
        }
        if (!allowNew && !KNOWN_OPERATIONS.contains(operation)) {
            String near = nearest(operation);
            throw refuse(key, operation, "not a known operation (" + String.join(", ", KNOWN_OPERATIONS) + ", or *)"
                    + (near == null ? "" : "; did you mean '" + near + "'?") + " To protect a new operation, set "
                    + key + NEW_OPERATION_SUFFIX + " = true");
        }
        return operation;
    }

    /** @return the known operation at most two edits away, or {@code null} */
    private static String nearest(String name) {
        String best = null;
        int bestDistance = 3;
        for (String known : KNOWN_OPERATIONS) {
            int d = distance(name, known);
            if (d < bestDistance) {
                best = known;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }

    /** @return a whole number, refused when it is none */
    private long toLong(String key, Object raw) {
        if (raw instanceof Long || raw instanceof Integer || raw instanceof Short || raw instanceof Byte) {
            return ((Number) raw).longValue();
        }
        try {
            return Long.parseLong(raw.toString().trim());
        } catch (NumberFormatException e) {
            throw refuse(key, raw, "not a whole number");
        }
    }

    /** @return a finite number, refused when it is none */
    private double toDouble(String key, Object raw) {
        double value;
        if (raw instanceof Number) {
            value = ((Number) raw).doubleValue();
        } else {
            try {
                value = Double.parseDouble(raw.toString().trim());
            } catch (NumberFormatException e) {
                throw refuse(key, raw, "not a number");
            }
        }
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw refuse(key, raw, "must be a finite number");
        }
        return value;
    }

    /** @return {@code true} or {@code false}, nothing else */
    private boolean toBoolean(String key, Object raw) {
        if (raw instanceof Boolean) {
            return (Boolean) raw;
        }
        String text = raw.toString().trim().toLowerCase(Locale.ROOT);
        if (text.equals("true")) {
            return true;
        }
        if (text.equals("false")) {
            return false;
        }
        throw refuse(key, raw, "must be true or false");
    }

    /** @return {@code service.ranking}: 0 when absent, refused when not a whole number of an {@code int} */
    int serviceRanking() {
        Object raw = single(org.osgi.framework.Constants.SERVICE_RANKING);
        return raw == null ? 0 : (int) whole(org.osgi.framework.Constants.SERVICE_RANKING, raw, null, Integer.MIN_VALUE,
                Integer.MAX_VALUE);
    }

    /** @return a whole number within the Metatype's bounds (refused in their words first), then within the type's */
    private long whole(String key, Object raw, Metatype.Attribute attribute, long min, long max) {
        long value = toLong(key, raw);
        check(key, value, attribute);
        if (value < min || value > max) {
            throw refuse(key, raw, "must be between " + min + " and " + max);
        }
        return value;
    }

    /**
     * @return the constant named, case-insensitively with {@code -} or {@code _} between words (an
     *         option of a {@link #typed} view, already checked against the Metatype), or {@code null}
     */
    public static <E extends Enum<E>> E constant(Class<E> type, String name) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(name.trim().replace('-', '_'))) {
                return constant;
            }
        }
        return null;
    }

    private <E extends Enum<E>> E toEnum(String key, Object raw, Class<E> type) {
        E found = constant(type, raw.toString());
        if (found != null) {
            return found;
        }
        List<String> allowed = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            allowed.add(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw refuse(key, raw, "must be one of " + String.join(", ", allowed));
    }

    /**
     * @return the entries of a list-valued key: a comma-separated text, a {@code String[]} or a
     *         collection; blank entries dropped; empty when absent
     */
    private List<String> list(String key) {
        Object raw = get(key);
        List<String> values = new ArrayList<>();
        if (raw == null) {
            return values;
        }
        if (raw.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(raw); i++) {
                split(values, String.valueOf(Array.get(raw, i)));
            }
        } else if (raw instanceof Collection) {
            for (Object o : (Collection<?>) raw) {
                split(values, String.valueOf(o));
            }
        } else {
            split(values, raw.toString());
        }
        return values;
    }

    /**
     * @param names the entries of a list-valued key, as a {@link #typed} view read them
     * @return Java class names (each checked for shape, not loaded: the class may live in a bundle
     *         this one cannot see); a failure matches a name when its class, a superclass or an
     *         interface has that name ({@link ExceptionNames})
     */
    public Set<String> classNames(String key, String[] names) {
        Set<String> checked = new LinkedHashSet<>();
        for (String name : names) {
            if (!CLASS_NAME.matcher(name).matches()) {
                throw refuse(key, name, "not a Java class name (expected e.g. java.io.IOException)");
            }
            checked.add(name);
        }
        return Set.copyOf(checked);
    }

    /**
     * The configuration through its Metatype {@code @interface}, read and checked as a whole: a method
     * {@code max_operations()} reads the key {@code max.operations} (the DS name mapping: {@code _} is
     * {@code .}, {@code __} is {@code _}, {@code $_$} is {@code -}, {@code $$} is {@code $}; a
     * {@code PREFIX_} constant is prepended), converted by this reader, and an absent key is the method's
     * default, so a default is written only in the annotation; {@value Stage#OPERATION} must be one of
     * {@link #KNOWN_OPERATIONS} or {@code *}, or any valid name with {@code dwcp.operation.new = true}.
     * Every value is then checked against the bundle's generated Metatype ({@code OSGI-INF/metatype}, see {@link Metatype}): {@code min},
     * {@code max} and {@code options}, so a bound is written only in the {@code @AttributeDefinition}.
     * The first bad value throws {@link InvalidConfigurationException} here, before the component
     * applies anything; what is left to the component is its rules across keys. Two views of equal
     * values are equal, so a reconfiguration that reads to the same values is a no-op.
     *
     * @param type the configuration's {@code @interface}
     * @param <A>  its type
     * @return the view, immutable
     */
    public <A> A typed(Class<A> type) {
        if (!type.isInterface()) {
            throw new IllegalArgumentException(type + " is not an interface");
        }
        String prefix = "";
        try {
            prefix = String.valueOf(type.getField("PREFIX_").get(null));
        } catch (ReflectiveOperationException | RuntimeException e) {
            // no prefix
        }
        Map<String, Metatype.Attribute> metatype = Metatype.of(type, pid);
        Map<String, Object> values = new TreeMap<>();
        Set<String> secrets = new TreeSet<>();
        // By name: getMethods() has no fixed order, and of several bad values the same one must be refused first.
        Method[] methods = type.getMethods();
        Arrays.sort(methods, Comparator.comparing(Method::getName));
        for (Method method : methods) {
            if (method.getParameterCount() == 0 && !method.isDefault() && method.getDeclaringClass() == type) {
                String key = prefix + keyOf(method.getName());
                Object value = key.equals(Stage.OPERATION) && method.getReturnType() == String.class
                        ? operation(key, (String) method.getDefaultValue()) : read(key, method, metatype.get(key));
                Metatype.Attribute attribute = metatype.get(key);
                values.put(method.getName(), check(key, value, attribute));
                if (attribute != null && attribute.type().equals("Password")) {
                    secrets.add(method.getName());
                }
            }
        }
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, new View(type, values, secrets)));
    }

    /** The handler of a {@link #typed} view: its values by method name; passwords are not shown by toString. */
    private record View(Class<?> type, Map<String, Object> values, Set<String> secrets) implements InvocationHandler {
        @Override
        public Object invoke(Object self, Method method, Object[] args) {
            switch (method.getName()) {
                case "toString":
                    Map<String, Object> shown = new TreeMap<>(values);
                    secrets.forEach(name -> shown.put(name, "****"));
                    return type.getSimpleName() + shown;
                case "hashCode":
                    return Arrays.deepHashCode(values.values().toArray());
                case "equals":
                    return args[0] != null && Proxy.isProxyClass(args[0].getClass())
                            && Proxy.getInvocationHandler(args[0]) instanceof View other && other.type == type
                            && Arrays.deepEquals(values.values().toArray(), other.values.values().toArray());
                case "annotationType":
                    return type;
                default:
                    Object value = values.get(method.getName());
                    return value != null && value.getClass().isArray() ? cloneArray(value) : value;
            }
        }

        private static Object cloneArray(Object array) {
            Object copy = Array.newInstance(array.getClass().getComponentType(), Array.getLength(array));
            System.arraycopy(array, 0, copy, 0, Array.getLength(array));
            return copy;
        }
    }

    /**
     * @param settings a component's settings
     * @return the {@value Stage#OPERATION} of a {@link #typed} view, or {@code null} when it is none or has none
     */
    static String operationOf(Object settings) {
        return settings != null && Proxy.isProxyClass(settings.getClass())
                && Proxy.getInvocationHandler(settings) instanceof View view
                && view.values.get("dwcp_operation") instanceof String operation ? operation : null;
    }

    /** @return {@code value}, refused when the Metatype's min, max or options exclude it (each entry of a list) */
    private Object check(String key, Object value, Metatype.Attribute attribute) {
        if (attribute == null || value == null) {
            return value;
        }
        if (value.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(value); i++) {
                check(key, Array.get(value, i), attribute);
            }
            return value;
        }
        if (value instanceof Number number) {
            BigDecimal n = new BigDecimal(number.toString());
            boolean low = !attribute.min().isEmpty() && n.compareTo(new BigDecimal(attribute.min())) < 0;
            boolean high = !attribute.max().isEmpty() && n.compareTo(new BigDecimal(attribute.max())) > 0;
            if (low || high) {
                throw refuse(key, properties.get(key), attribute.min().isEmpty() ? "must be at most " + attribute.max()
                        : attribute.max().isEmpty() ? "must be at least " + attribute.min()
                        : "must be between " + attribute.min() + " and " + attribute.max());
            }
        } else if (value instanceof String text && !attribute.allows(text)) {
            throw refuse(key, text, "must be one of " + String.join(", ", attribute.options()));
        }
        return value;
    }

    /** @return the property name DS derives from an annotation method name */
    static String keyOf(String methodName) {
        StringBuilder key = new StringBuilder(methodName.length());
        for (int i = 0; i < methodName.length(); i++) {
            char c = methodName.charAt(i);
            if (c == '$') {
                if (methodName.startsWith("$_$", i)) {
                    key.append('-');
                    i += 2;
                } else if (methodName.startsWith("$$", i)) {
                    key.append('$');
                    i++;
                }
            } else if (c == '_') {
                if (methodName.startsWith("__", i)) {
                    key.append('_');
                    i++;
                } else {
                    key.append('.');
                }
            } else {
                key.append(c);
            }
        }
        return key.toString();
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private Object read(String key, Method method, Metatype.Attribute attribute) {
        Class<?> type = method.getReturnType();
        Object dflt = method.getDefaultValue();
        if (type.isArray()) {
            if (!has(key)) {
                return dflt != null ? dflt : Array.newInstance(type.getComponentType(), 0);
            }
            List<String> entries = list(key);
            Object array = Array.newInstance(type.getComponentType(), entries.size());
            for (int i = 0; i < entries.size(); i++) {
                Array.set(array, i, scalar(key, entries.get(i), type.getComponentType(), attribute));
            }
            return array;
        }
        Object raw = single(key);
        if (raw == null && dflt == null) {
            throw refuse(key, null, "required");
        }
        return raw == null ? dflt : scalar(key, raw, type, attribute);
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private Object scalar(String key, Object raw, Class<?> type, Metatype.Attribute attribute) {
        if (type == String.class) {
            return raw.toString().trim();
        } else if (type == boolean.class || type == Boolean.class) {
            return toBoolean(key, raw);
        } else if (type.isEnum()) {
            return toEnum(key, raw, (Class) type);
        } else if (type == double.class || type == Double.class) {
            return toDouble(key, raw);
        } else if (type == float.class || type == Float.class) {
            double value = toDouble(key, raw);
            if (Math.abs(value) > Float.MAX_VALUE) {
                throw refuse(key, raw, "must be between " + -Float.MAX_VALUE + " and " + Float.MAX_VALUE);
            }
            return (float) value;
        } else if (type == long.class || type == Long.class) {
            return toLong(key, raw);
        } else if (type == int.class || type == Integer.class) {
            return (int) whole(key, raw, attribute, Integer.MIN_VALUE, Integer.MAX_VALUE);
        } else if (type == short.class || type == Short.class) {
            return (short) whole(key, raw, attribute, Short.MIN_VALUE, Short.MAX_VALUE);
        } else if (type == byte.class || type == Byte.class) {
            return (byte) whole(key, raw, attribute, Byte.MIN_VALUE, Byte.MAX_VALUE);
        }
        throw new IllegalArgumentException("unsupported configuration type " + type + " of " + key);
    }

    /** @return the value, unwrapped from a one-element array or collection; refused when it holds several */
    private Object single(String key) {
        Object raw = get(key);
        if (raw == null) {
            return null;
        }
        if (raw.getClass().isArray()) {
            int n = Array.getLength(raw);
            if (n == 0) {
                return null;
            }
            if (n > 1) {
                throw refuse(key, list(key), "expected one value, not a list");
            }
            return Array.get(raw, 0);
        }
        if (raw instanceof Collection<?> c) {
            if (c.isEmpty()) {
                return null;
            }
            if (c.size() > 1) {
                throw refuse(key, c, "expected one value, not a list");
            }
            return c.iterator().next();
        }
        return raw;
    }

    private static void split(List<String> into, String text) {
        for (String part : text.split(",")) {
            String trimmed = part.trim();
            if (!trimmed.isEmpty()) {
                into.add(trimmed);
            }
        }
    }
}
