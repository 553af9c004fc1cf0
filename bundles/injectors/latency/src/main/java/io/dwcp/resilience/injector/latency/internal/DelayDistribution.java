package io.dwcp.resilience.injector.latency.internal;

import java.util.Locale;
import java.util.random.RandomGenerator;

/** How a delay is drawn within [min, max]. Every draw lands in the range. */
enum DelayDistribution {
    /** Every delay in the range equally likely. */
    UNIFORM {
        @Override
        long draw(long min, long max, RandomGenerator random) {
            return max == min ? min : min + random.nextLong(max - min + 1);
        }
    },
    /** Centred in the range, standard deviation a sixth of it, clipped to the range. */
    NORMAL {
        @Override
        long draw(long min, long max, RandomGenerator random) {
            double mean = (min + (double) max) / 2;
            double sd = (max - min) / 6.0;
            return clip(Math.round(mean + sd * random.nextGaussian()), min, max);
        }
    },
    /** Mostly near the minimum with a long tail: mean a quarter of the range above min, clipped. */
    EXPONENTIAL {
        @Override
        long draw(long min, long max, RandomGenerator random) {
            double mean = (max - min) / 4.0;
            return clip(min + Math.round(mean * random.nextExponential()), min, max);
        }
    };

    /**
     * @param min    the shortest delay, nanoseconds
     * @param max    the longest delay, nanoseconds, at least {@code min}
     * @param random the source of randomness
     * @return a delay in [min, max]
     */
    abstract long draw(long min, long max, RandomGenerator random);

    private static long clip(long value, long min, long max) {
        return Math.max(min, Math.min(max, value));
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
