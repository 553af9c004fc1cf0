package io.dwcp.resilience.degradation.internal;

import io.dwcp.resilience.api.degradation.DegradationLevel;
import java.util.Locale;

/** Turns an operation's window into a level of the automatic table, with the reason in words. */
final class SignalEvaluator {

    /** A level and why. */
    record Verdict(DegradationLevel level, String reason) {
    }

    private SignalEvaluator() {
    }

    /**
     * @param window     the operation's window
     * @param signals    the operation (its thresholds and slow limits)
     * @param table      the level table
     * @param minCalls   fewer calls than this: too little to judge, NORMAL
     * @param percentile the latency percentile judged, e.g. 0.95
     * @return the worse of the error-rate level and the latency level
     */
    static Verdict evaluate(WindowFigures window, OperationSignals signals, LevelTable table, long minCalls,
            double percentile) {
        if (window.calls() < minCalls) {
            return new Verdict(DegradationLevel.NORMAL, window.calls() + " calls in the window, " + minCalls + " needed to judge");
        }
        OperationThresholds t = signals.thresholds();
        double errorRatio = window.errorRate() / t.errorRate();
        DegradationLevel errorLevel = table.levelFor(errorRatio);
        double tail = 1 - percentile;
        DegradationLevel latencyLevel = DegradationLevel.NORMAL;
        for (int level = 3; level >= 1; level--) {
            if ((double) window.slowerThan()[level] / window.calls() > tail) {
                latencyLevel = DegradationLevel.ofOrdinal(level);
                break;
            }
        }
        String errors = String.format(Locale.ROOT, "error rate %.3f%% = %.2fx the %.3f%% threshold", window.errorRate() * 100,
                errorRatio, t.errorRate() * 100);
        String latency;
        if (!t.judgesLatency()) {
            latency = "latency not judged";
        } else if (latencyLevel == DegradationLevel.NORMAL) {
            latency = String.format(Locale.ROOT, "p%s latency within %s", percentileName(percentile),
                    millis(signals.slowNanos(1)));
        } else {
            latency = String.format(Locale.ROOT, "p%s latency above %s (%.2gx the %s threshold)", percentileName(percentile),
                    millis(signals.slowNanos(latencyLevel.ordinal())), table.factor(latencyLevel), millis(t.latencyNanos()));
        }
        DegradationLevel level = DegradationLevel.worst(errorLevel, latencyLevel);
        return new Verdict(level, errors + ", " + latency + ", over " + window.calls() + " calls");
    }

    private static String percentileName(double percentile) {
        String text = String.format(Locale.ROOT, "%.4f", percentile * 100).replaceAll("0+$", "");
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }

    private static String millis(long nanos) {
        return nanos % 1_000_000L == 0 ? nanos / 1_000_000L + " ms" : String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
    }
}
