package io.dwcp.resilience.retry.internal;

import java.util.ArrayList;
import java.util.List;

/** Remembers what the retrier reported. */
final class RecordingListener implements RetryListener {

    final List<Integer> retryAttempts = new ArrayList<>();
    final List<Long> retryDelays = new ArrayList<>();
    final List<GiveUpReason> giveUps = new ArrayList<>();
    final List<Integer> giveUpAttempts = new ArrayList<>();
    final List<RuntimeException> predicateFailures = new ArrayList<>();

    @Override
    public void onRetry(String operation, int nextAttempt, long delayNanos, Throwable lastFailure) {
        retryAttempts.add(nextAttempt);
        retryDelays.add(delayNanos);
    }

    @Override
    public void onGiveUp(String operation, int attempts, GiveUpReason reason, Throwable lastFailure) {
        giveUps.add(reason);
        giveUpAttempts.add(attempts);
    }

    @Override
    public void onPredicateFailure(String operation, RuntimeException failure) {
        predicateFailures.add(failure);
    }
}
