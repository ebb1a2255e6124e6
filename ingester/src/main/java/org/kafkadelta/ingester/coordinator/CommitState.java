package org.kafkadelta.ingester.coordinator;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * Decides when the next commit is due: the commit interval has elapsed, or the per-commit record cap is
 * reached. Interval commits keep a fixed rate, like Spark's processingTime trigger: the next one is due one
 * interval after the previous one was due, not after it finished, so commit time does not add up as drift.
 * Pure state with no I/O; time is passed in.
 */
final class CommitState {
  private final long intervalMillis;
  private final OptionalLong maxRecordsPerCommit;
  private long lastCommitMillis;
  private long recordsInCommit;

  CommitState(Duration commitInterval, OptionalLong maxRecordsPerCommit, long nowMillis) {
    this.intervalMillis = commitInterval.toMillis();
    this.maxRecordsPerCommit = maxRecordsPerCommit;
    this.lastCommitMillis = nowMillis;
  }

  /** How many more records the current commit may take. */
  long remainingCapacity() {
    return maxRecordsPerCommit.isPresent()
        ? Math.max(0, maxRecordsPerCommit.getAsLong() - recordsInCommit)
        : Long.MAX_VALUE;
  }

  void recordsAdded(long count) {
    recordsInCommit += count;
  }

  long recordsInCommit() {
    return recordsInCommit;
  }

  boolean isCapReached() {
    return remainingCapacity() == 0;
  }

  boolean isIntervalElapsed(long nowMillis) {
    return nowMillis - lastCommitMillis >= intervalMillis;
  }

  /** Milliseconds until the interval elapses (0 if it has). */
  long millisUntilDue(long nowMillis) {
    return Math.max(0, intervalMillis - (nowMillis - lastCommitMillis));
  }

  void committed(long nowMillis) {
    // Back to the latest interval boundary at or before now.
    lastCommitMillis = nowMillis - Math.floorMod(nowMillis - lastCommitMillis, intervalMillis);
    recordsInCommit = 0;
  }
}
