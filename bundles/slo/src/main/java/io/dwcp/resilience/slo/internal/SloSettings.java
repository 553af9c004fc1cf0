package io.dwcp.resilience.slo.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validated settings of one budget. Built only by {@link #from}, which reads the {@link SloConfig}
 * view ({@link ConfigReader#typed}: defaults and bounds written once, in the Metatype), parses its
 * durations and alerts, checks the rules across keys, and refuses a bad value with an
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
        Duration persistInterval) implements ConfiguredComponent.Scoped {

    /** The factory PID. */
    static final String PID = "dwcp.slo";
    /** {@link #operation()} of the budget of all operations together. */
    static final String ALL_OPERATIONS = Stage.ANY_OPERATION;

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
        return from(new ConfigReader(PID, Map.of(Stage.OPERATION, operation)));
    }

    /**
     * @param in the configuration; absent keys take their defaults; {@code dwcp.operation} is required
     * @return the validated settings
     * @throws InvalidConfigurationException naming the first bad key
     */
    static SloSettings from(ConfigReader in) {
        SloConfig c = in.typed(SloConfig.class); // defaults and bounds: the Metatype's; dwcp.operation required
        double objectivePercent = percent(in, "objective", c.objective());
        Duration fine = duration(in, "bucket.fine", c.bucket_fine());
        if (fine.compareTo(Duration.ofSeconds(1)) < 0 || fine.toMillis() % 1000 != 0) {
            throw in.refuse("bucket.fine", Durations.format(fine), "must be a whole number of seconds, at least 1s");
        }
        Duration coarse = duration(in, "bucket.coarse", c.bucket_coarse());
        if (coarse.compareTo(fine) < 0 || coarse.toMillis() % fine.toMillis() != 0) {
            throw in.refuse("bucket.coarse", Durations.format(coarse),
                    "must be a whole multiple of bucket.fine (" + Durations.format(fine) + ")");
        }
        if ((long) FINE_SPAN_COARSE_BUCKETS * (coarse.toMillis() / fine.toMillis()) + 2 > MAX_BUCKETS) {
            throw in.refuse("bucket.coarse", Durations.format(coarse), "the fine ring would need more than "
                    + MAX_BUCKETS + " buckets of " + Durations.format(fine) + "; use a wider bucket.fine");
        }
        Duration window = duration(in, "window", c.window());
        if (window.compareTo(coarse) < 0 || ceilDiv(window, coarse) + 1 > MAX_BUCKETS) {
            throw in.refuse("window", Durations.format(window), "must span between 1 and " + (MAX_BUCKETS - 1)
                    + " coarse buckets of " + Durations.format(coarse));
        }
        List<BurnRateRule> alerts = alerts(in, String.join(",", c.alerts()), window, fine);
        double percentile = percent(in, "latency.percentile", c.latency_percentile());
        Duration threshold = duration(in, "latency.threshold", c.latency_threshold());
        if (threshold.toNanos() >= HIGHEST_TRACKABLE_LATENCY_NANOS) {
            throw in.refuse("latency.threshold", Durations.format(threshold), "must be below 1h (0 turns the latency budget off)");
        }
        Duration latencyBucket = duration(in, "latency.bucket", c.latency_bucket());
        if (latencyBucket.compareTo(fine) < 0 || latencyBucket.toMillis() % fine.toMillis() != 0
                || ceilDiv(window, latencyBucket) + 1 > MAX_LATENCY_BUCKETS) {
            throw in.refuse("latency.bucket", Durations.format(latencyBucket), "must be a multiple of bucket.fine and"
                    + " split the window into at most " + (MAX_LATENCY_BUCKETS - 1) + " buckets");
        }
        Duration evaluation = duration(in, "evaluation.interval", c.evaluation_interval());
        if (evaluation.compareTo(Duration.ofMillis(100)) < 0 || evaluation.compareTo(fine) > 0) {
            throw in.refuse("evaluation.interval", Durations.format(evaluation),
                    "must be between 100ms and bucket.fine (" + Durations.format(fine) + ")");
        }
        Duration persist = duration(in, "persist.interval", c.persist_interval());
        if (persist.compareTo(Duration.ofSeconds(1)) < 0) {
            throw in.refuse("persist.interval", Durations.format(persist), "must be at least 1s");
        }
        return new SloSettings(c.dwcp_operation(), objectivePercent / 100.0, window, fine, coarse, c.rejections_count(),
                alerts, c.alert_min_requests(), percentile / 100.0, threshold, latencyBucket, c.latency_precision(),
                evaluation, persist);
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

    private static List<BurnRateRule> alerts(ConfigReader in, String text, Duration window, Duration fine) {
        List<BurnRateRule> rules = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String entry : text.split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            String[] parts = e.split(":");
            if (parts.length < 3 || parts.length > 4) {
                throw in.refuse("alerts", text, "entry '" + e + "' is not factor:longWindow:shortWindow[:name]");
            }
            double factor;
            Duration longWindow;
            Duration shortWindow;
            try {
                factor = Double.parseDouble(parts[0].trim());
                longWindow = Durations.parse(parts[1]);
                shortWindow = Durations.parse(parts[2]);
            } catch (IllegalArgumentException ex) {
                throw in.refuse("alerts", text, "entry '" + e + "': " + ex.getMessage());
            }
            if (!(factor > 0) || Double.isInfinite(factor)) {
                throw in.refuse("alerts", text, "entry '" + e + "': the factor must be a number above 0");
            }
            if (shortWindow.compareTo(fine) < 0 || shortWindow.compareTo(longWindow) >= 0 || longWindow.compareTo(window) > 0) {
                throw in.refuse("alerts", text, "entry '" + e + "': needs " + "bucket.fine <= short window < long window <= "
                        + "window (" + Durations.format(fine) + ", " + Durations.format(window) + ")");
            }
            String name = parts.length == 4 ? parts[3].trim() : BurnRateRule.defaultName(factor, longWindow);
            if (name.isEmpty() || !names.add(name)) {
                throw in.refuse("alerts", text, "entry '" + e + "': alert names must be present and unique");
            }
            rules.add(new BurnRateRule(name, factor, longWindow, shortWindow));
        }
        return rules;
    }

    private static long ceilDiv(Duration a, Duration b) {
        return -Math.floorDiv(-a.toMillis(), b.toMillis());
    }

    /** A percentage strictly between 0 and 100 that leaves a budget. */
    private static double percent(ConfigReader in, String key, double p) {
        if (!(p > 0 && p < 100)) {
            throw in.refuse(key, p, "must be a percentage strictly between 0 and 100");
        }
        if (Ratios.budgetPpm(p / 100.0) < 1) {
            throw in.refuse(key, p, "leaves no budget: at most 99.9999");
        }
        return p;
    }

    private static Duration duration(ConfigReader in, String key, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw in.refuse(key, text, e.getMessage());
        }
    }
}
