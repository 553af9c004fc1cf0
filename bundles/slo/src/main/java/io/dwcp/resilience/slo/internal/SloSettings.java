package io.dwcp.resilience.slo.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.Operations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validated settings of one budget. Built only by {@link #from}, which refuses a bad value with an
 * {@link InvalidConfigurationException} naming the PID, the key, the value and the reason.
 *
 * @param operation              the operation, or {@link #ALL_OPERATIONS}
 * @param objective              the error objective as a ratio, e.g. 0.999
 * @param window                 the rolling window
 * @param fineBucket             width of a fine bucket
 * @param coarseBucket           width of a coarse bucket, a multiple of the fine one
 * @param countRejections        whether rejected calls spend the error budget
 * @param alerts                 burn-rate alerts
 * @param alertMinRequests       calls a short window needs before its alert may fire
 * @param latencyObjective       the latency percentile as a ratio, e.g. 0.95
 * @param latencyThreshold       the latency bound; zero when the latency budget is off
 * @param latencyBucket          width of a latency histogram's time bucket
 * @param latencyPrecision       significant digits of the latency histograms
 * @param evaluationInterval     how often budgets and alerts are evaluated
 * @param persistInterval        how often the state is saved
 */
record SloSettings(String operation, double objective, Duration window, Duration fineBucket, Duration coarseBucket,
        boolean countRejections, List<BurnRateRule> alerts, int alertMinRequests, double latencyObjective,
        Duration latencyThreshold, Duration latencyBucket, int latencyPrecision, Duration evaluationInterval,
        Duration persistInterval) {

    /** The factory PID. */
    static final String PID = "dwcp.slo";
    /** {@link #operation()} of the budget of all operations together. */
    static final String ALL_OPERATIONS = "*";

    static final String KEY_OPERATION = "dwcp.operation";
    static final String KEY_OBJECTIVE = "objective";
    static final String KEY_WINDOW = "window";
    static final String KEY_FINE_BUCKET = "bucket.fine";
    static final String KEY_COARSE_BUCKET = "bucket.coarse";
    static final String KEY_COUNT_REJECTIONS = "rejections.count";
    static final String KEY_ALERTS = "alerts";
    static final String KEY_ALERT_MIN_REQUESTS = "alert.min.requests";
    static final String KEY_LATENCY_PERCENTILE = "latency.percentile";
    static final String KEY_LATENCY_THRESHOLD = "latency.threshold";
    static final String KEY_LATENCY_BUCKET = "latency.bucket";
    static final String KEY_LATENCY_PRECISION = "latency.precision";
    static final String KEY_EVALUATION_INTERVAL = "evaluation.interval";
    static final String KEY_PERSIST_INTERVAL = "persist.interval";

    static final double DEFAULT_OBJECTIVE_PERCENT = 99.9;
    static final String DEFAULT_WINDOW = "30d";
    static final String DEFAULT_FINE_BUCKET = "1m";
    static final String DEFAULT_COARSE_BUCKET = "1h";
    static final boolean DEFAULT_COUNT_REJECTIONS = true;
    /** The SRE workbook's table: page on 2% of a 30-day budget in 1 h or 5% in 6 h, ticket on 10% in 3 d. */
    static final String DEFAULT_ALERTS = "14.4:1h:5m,6:6h:30m,1:3d:6h";
    static final int DEFAULT_ALERT_MIN_REQUESTS = 10;
    static final double DEFAULT_LATENCY_PERCENTILE = 95.0;
    static final String DEFAULT_LATENCY_THRESHOLD = "100ms";
    static final String DEFAULT_LATENCY_BUCKET = "1d";
    static final int DEFAULT_LATENCY_PRECISION = 2;
    static final String DEFAULT_EVALUATION_INTERVAL = "10s";
    static final String DEFAULT_PERSIST_INTERVAL = "1m";

    /** The fine ring spans this many coarse buckets; windows that fit are read at fine resolution. */
    static final int FINE_SPAN_COARSE_BUCKETS = 24;
    /** Latencies above this are recorded as this (the histograms' highest trackable value). */
    static final long HIGHEST_TRACKABLE_LATENCY_NANOS = Duration.ofHours(1).toNanos();
    /** Ring sizes above this are refused: they would cost more memory than a budget deserves. */
    static final int MAX_BUCKETS = 1 << 16;
    static final int MAX_LATENCY_BUCKETS = 1 << 10;

    /** Copies the alert list. */
    SloSettings {
        alerts = List.copyOf(alerts);
    }

    /** @return the settings with every default, for {@code operation} */
    static SloSettings defaults(String operation) {
        return from(Map.of(KEY_OPERATION, operation));
    }

    /**
     * @param props configuration properties; absent keys take their defaults
     * @return the validated settings
     * @throws InvalidConfigurationException naming the first bad key
     */
    static SloSettings from(Map<String, ?> props) {
        Object rawOperation = props.get(KEY_OPERATION);
        String operation = rawOperation == null ? null : rawOperation.toString().trim();
        if (operation == null || operation.isEmpty()) {
            throw refuse(KEY_OPERATION, rawOperation, "required: an operation name or * for all operations");
        }
        if (!ALL_OPERATIONS.equals(operation)) {
            try {
                Operations.validate(operation);
            } catch (IllegalArgumentException e) {
                throw refuse(KEY_OPERATION, operation, e.getMessage());
            }
        }
        double objectivePercent = number(props, KEY_OBJECTIVE, DEFAULT_OBJECTIVE_PERCENT);
        if (!(objectivePercent > 0 && objectivePercent < 100)) {
            throw refuse(KEY_OBJECTIVE, objectivePercent, "must be a percentage strictly between 0 and 100");
        }
        if (Ratios.budgetPpm(objectivePercent / 100.0) < 1) {
            throw refuse(KEY_OBJECTIVE, objectivePercent, "leaves no budget: at most 99.9999");
        }
        Duration fine = duration(props, KEY_FINE_BUCKET, DEFAULT_FINE_BUCKET);
        if (fine.compareTo(Duration.ofSeconds(1)) < 0 || fine.toMillis() % 1000 != 0) {
            throw refuse(KEY_FINE_BUCKET, Durations.format(fine), "must be a whole number of seconds, at least 1s");
        }
        Duration coarse = duration(props, KEY_COARSE_BUCKET, DEFAULT_COARSE_BUCKET);
        if (coarse.compareTo(fine) < 0 || coarse.toMillis() % fine.toMillis() != 0) {
            throw refuse(KEY_COARSE_BUCKET, Durations.format(coarse),
                    "must be a whole multiple of " + KEY_FINE_BUCKET + " (" + Durations.format(fine) + ")");
        }
        if ((long) FINE_SPAN_COARSE_BUCKETS * (coarse.toMillis() / fine.toMillis()) + 2 > MAX_BUCKETS) {
            throw refuse(KEY_COARSE_BUCKET, Durations.format(coarse), "the fine ring would need more than "
                    + MAX_BUCKETS + " buckets of " + Durations.format(fine) + "; use a wider " + KEY_FINE_BUCKET);
        }
        Duration window = duration(props, KEY_WINDOW, DEFAULT_WINDOW);
        if (window.compareTo(coarse) < 0 || ceilDiv(window, coarse) + 1 > MAX_BUCKETS) {
            throw refuse(KEY_WINDOW, Durations.format(window), "must span between 1 and " + (MAX_BUCKETS - 1)
                    + " coarse buckets of " + Durations.format(coarse));
        }
        boolean countRejections = bool(props, KEY_COUNT_REJECTIONS, DEFAULT_COUNT_REJECTIONS);
        List<BurnRateRule> alerts = alerts(props, window, fine);
        long minRequests = Math.round(number(props, KEY_ALERT_MIN_REQUESTS, DEFAULT_ALERT_MIN_REQUESTS));
        if (minRequests < 0 || minRequests > Integer.MAX_VALUE) {
            throw refuse(KEY_ALERT_MIN_REQUESTS, props.get(KEY_ALERT_MIN_REQUESTS), "must be a whole number, 0 or more");
        }
        double percentile = number(props, KEY_LATENCY_PERCENTILE, DEFAULT_LATENCY_PERCENTILE);
        if (!(percentile > 0 && percentile < 100)) {
            throw refuse(KEY_LATENCY_PERCENTILE, percentile, "must be a percentage strictly between 0 and 100");
        }
        if (Ratios.budgetPpm(percentile / 100.0) < 1) {
            throw refuse(KEY_LATENCY_PERCENTILE, percentile, "leaves no budget: at most 99.9999");
        }
        Duration threshold = duration(props, KEY_LATENCY_THRESHOLD, DEFAULT_LATENCY_THRESHOLD);
        if (threshold.toNanos() >= HIGHEST_TRACKABLE_LATENCY_NANOS) {
            throw refuse(KEY_LATENCY_THRESHOLD, Durations.format(threshold), "must be below 1h (0 turns the latency budget off)");
        }
        Duration latencyBucket = duration(props, KEY_LATENCY_BUCKET, DEFAULT_LATENCY_BUCKET);
        if (latencyBucket.compareTo(fine) < 0 || latencyBucket.toMillis() % fine.toMillis() != 0
                || ceilDiv(window, latencyBucket) + 1 > MAX_LATENCY_BUCKETS) {
            throw refuse(KEY_LATENCY_BUCKET, Durations.format(latencyBucket), "must be a multiple of "
                    + KEY_FINE_BUCKET + " and split the window into at most " + (MAX_LATENCY_BUCKETS - 1) + " buckets");
        }
        long precision = Math.round(number(props, KEY_LATENCY_PRECISION, DEFAULT_LATENCY_PRECISION));
        if (precision < 1 || precision > 3) {
            throw refuse(KEY_LATENCY_PRECISION, props.get(KEY_LATENCY_PRECISION), "must be 1, 2 or 3 significant digits");
        }
        Duration evaluation = duration(props, KEY_EVALUATION_INTERVAL, DEFAULT_EVALUATION_INTERVAL);
        if (evaluation.compareTo(Duration.ofMillis(100)) < 0 || evaluation.compareTo(fine) > 0) {
            throw refuse(KEY_EVALUATION_INTERVAL, Durations.format(evaluation),
                    "must be between 100ms and " + KEY_FINE_BUCKET + " (" + Durations.format(fine) + ")");
        }
        Duration persist = duration(props, KEY_PERSIST_INTERVAL, DEFAULT_PERSIST_INTERVAL);
        if (persist.compareTo(Duration.ofSeconds(1)) < 0) {
            throw refuse(KEY_PERSIST_INTERVAL, Durations.format(persist), "must be at least 1s");
        }
        return new SloSettings(operation, objectivePercent / 100.0, window, fine, coarse, countRejections, alerts,
                (int) minRequests, percentile / 100.0, threshold, latencyBucket, (int) precision, evaluation, persist);
    }

    /** @return whether the latency budget is on */
    boolean latencyEnabled() {
        return !latencyThreshold.isZero();
    }

    /** @return whether these settings and {@code other} lay out the same buckets and histograms */
    boolean sameGeometry(SloSettings other) {
        return operation.equals(other.operation) && window.equals(other.window) && fineBucket.equals(other.fineBucket)
                && coarseBucket.equals(other.coarseBucket) && latencyBucket.equals(other.latencyBucket)
                && latencyPrecision == other.latencyPrecision && latencyEnabled() == other.latencyEnabled();
    }

    /** @return the key of this budget's state record */
    String stateKey() {
        // '*' is not a valid state key character; '_' cannot start an operation name, so no clash.
        return "slo/" + (ALL_OPERATIONS.equals(operation) ? "_overall" : operation);
    }

    private static List<BurnRateRule> alerts(Map<String, ?> props, Duration window, Duration fine) {
        Object raw = props.get(KEY_ALERTS);
        String text = raw == null ? DEFAULT_ALERTS : joined(raw);
        List<BurnRateRule> rules = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String entry : text.split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            String[] parts = e.split(":");
            if (parts.length < 3 || parts.length > 4) {
                throw refuse(KEY_ALERTS, text, "entry '" + e + "' is not factor:longWindow:shortWindow[:name]");
            }
            double factor;
            Duration longWindow;
            Duration shortWindow;
            try {
                factor = Double.parseDouble(parts[0].trim());
                longWindow = Durations.parse(parts[1]);
                shortWindow = Durations.parse(parts[2]);
            } catch (IllegalArgumentException ex) {
                throw refuse(KEY_ALERTS, text, "entry '" + e + "': " + ex.getMessage());
            }
            if (!(factor > 0) || Double.isInfinite(factor)) {
                throw refuse(KEY_ALERTS, text, "entry '" + e + "': the factor must be a number above 0");
            }
            if (shortWindow.compareTo(fine) < 0 || shortWindow.compareTo(longWindow) >= 0 || longWindow.compareTo(window) > 0) {
                throw refuse(KEY_ALERTS, text, "entry '" + e + "': needs " + KEY_FINE_BUCKET + " <= short window < long window <= "
                        + KEY_WINDOW + " (" + Durations.format(fine) + ", " + Durations.format(window) + ")");
            }
            String name = parts.length == 4 ? parts[3].trim() : BurnRateRule.defaultName(factor, longWindow);
            if (name.isEmpty() || !names.add(name)) {
                throw refuse(KEY_ALERTS, text, "entry '" + e + "': alert names must be present and unique");
            }
            rules.add(new BurnRateRule(name, factor, longWindow, shortWindow));
        }
        return rules;
    }

    private static long ceilDiv(Duration a, Duration b) {
        return -Math.floorDiv(-a.toMillis(), b.toMillis());
    }

    private static double number(Map<String, ?> props, String key, double dflt) {
        Object v = props.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw refuse(key, v, "must be a finite number");
            }
            return d;
        }
        try {
            double d = Double.parseDouble(v.toString().trim());
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw refuse(key, v, "must be a finite number");
            }
            return d;
        } catch (NumberFormatException e) {
            throw refuse(key, v, "must be a number");
        }
    }

    private static boolean bool(Map<String, ?> props, String key, boolean dflt) {
        Object v = props.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean) {
            return (Boolean) v;
        }
        String s = v.toString().trim();
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(s);
        }
        throw refuse(key, v, "must be true or false");
    }

    private static Duration duration(Map<String, ?> props, String key, String dflt) {
        Object v = props.get(key);
        String text = v == null ? dflt : v.toString();
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw refuse(key, text, e.getMessage());
        }
    }

    private static String joined(Object raw) {
        if (raw instanceof String[]) {
            return String.join(",", (String[]) raw);
        }
        if (raw instanceof Iterable) {
            StringBuilder sb = new StringBuilder();
            for (Object o : (Iterable<?>) raw) {
                sb.append(sb.length() == 0 ? "" : ",").append(o);
            }
            return sb.toString();
        }
        return raw.toString();
    }

    private static InvalidConfigurationException refuse(String key, Object value, String reason) {
        return new InvalidConfigurationException(PID, key, value, reason);
    }
}
