package org.kafkadelta.ingester.writer;

/**
 * Decides when an open file is full: once its estimated size (bytes flushed plus the buffered row group)
 * reaches the target file size. Files are also closed at every commit, so the commit interval bounds how
 * long a file stays open.
 */
public final class RollingPolicy {
  /** Estimating the size walks every column buffer: do it every this many rows, or after a large record. */
  static final int ROWS_BETWEEN_CHECKS = 100;
  static final int LARGE_RECORD_BYTES = 64 * 1024;

  private final long targetFileSizeBytes;

  public RollingPolicy(long targetFileSizeBytes) {
    if (targetFileSizeBytes <= 0) {
      throw new IllegalArgumentException("Target file size must be > 0 bytes, got " + targetFileSizeBytes);
    }
    this.targetFileSizeBytes = targetFileSizeBytes;
  }

  /** Whether it is worth estimating the size now, given rows written since the last check and the last record's size. */
  boolean shouldCheck(long rowsSinceCheck, int lastRecordBytes) {
    return rowsSinceCheck >= ROWS_BETWEEN_CHECKS || lastRecordBytes >= LARGE_RECORD_BYTES;
  }

  boolean shouldRoll(long estimatedSizeBytes) {
    return estimatedSizeBytes >= targetFileSizeBytes;
  }

  long targetFileSizeBytes() {
    return targetFileSizeBytes;
  }
}
