package org.kafkadelta.ingester.coordinator;

import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;
import org.kafkadelta.ingester.delta.SkippedRange;

/** Where one assigned partition stands between the table and the consumer. Poll thread only. */
final class PartitionProgress {
  final TopicPartition partition;
  /** The next offset the table holds for this partition, as far as we know; empty if it holds none. */
  OptionalLong committedNextOffset;
  /** The next offset to read once everything handed to the writers is committed. */
  long nextOffset;
  /** First offset the next commit covers (for logs). */
  long firstUncommittedOffset;
  /** Records handed to the writers since the last commit. */
  long pendingRecords;
  /** Offsets lost to retention that the next commit must record. */
  Optional<SkippedRange> skipped = Optional.empty();
  /** Available-now: the end offset captured at assignment; Long.MAX_VALUE in continuous mode. */
  long endOffset = Long.MAX_VALUE;
  boolean paused;

  PartitionProgress(TopicPartition partition, OptionalLong committedNextOffset, long nextOffset) {
    this.partition = partition;
    this.committedNextOffset = committedNextOffset;
    this.nextOffset = nextOffset;
    this.firstUncommittedOffset = nextOffset;
  }

  /** Whether the next commit has something to record for this partition (data, a moved offset, a gap). */
  boolean hasChanges() {
    return pendingRecords > 0 || skipped.isPresent() || !committedNextOffset.equals(OptionalLong.of(nextOffset));
  }

  boolean isCaughtUp() {
    return nextOffset >= endOffset;
  }


  void skip(long firstMissing, long lastMissing) {
    long first = skipped.map(s -> Math.min(s.firstOffset(), firstMissing)).orElse(firstMissing);
    long last = skipped.map(s -> Math.max(s.lastOffset(), lastMissing)).orElse(lastMissing);
    skipped = Optional.of(new SkippedRange(first, last));
  }

  void committed() {
    committedNextOffset = OptionalLong.of(nextOffset);
    firstUncommittedOffset = nextOffset;
    pendingRecords = 0;
    skipped = Optional.empty();
  }

  /** Forgets uncommitted work and resumes from {@code next}, the table's value. */
  void resumeFrom(OptionalLong tableNextOffset, long next) {
    committedNextOffset = tableNextOffset;
    nextOffset = next;
    firstUncommittedOffset = next;
    pendingRecords = 0;
    skipped = Optional.empty();
  }
}
