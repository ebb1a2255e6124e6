package org.kafkadelta.ingester.writer;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shares one heap budget among all open Parquet files. Parquet buffers a whole row group per open file
 * before flushing it, so with many partitions the row group size, not the file size, decides the heap: each
 * file opened gets {@code budget / openFiles} as its row group size (between 1 MiB and 128 MiB, and never
 * above the target file size). Thread-safe.
 */
public final class WriterMemoryBudget {
  static final long MIN_ROW_GROUP_BYTES = 1L << 20;
  static final long MAX_ROW_GROUP_BYTES = 128L << 20;

  private final long budgetBytes;
  private final long targetFileSizeBytes;
  private final AtomicInteger openFiles = new AtomicInteger();
  private volatile int expectedOpenFiles = 1;

  public WriterMemoryBudget(long budgetBytes, long targetFileSizeBytes) {
    if (budgetBytes <= 0) {
      throw new IllegalArgumentException("Writer memory budget must be > 0 bytes, got " + budgetBytes);
    }
    this.budgetBytes = budgetBytes;
    this.targetFileSizeBytes = targetFileSizeBytes;
  }

  /** Tells the budget how many files will be open at once (the assigned partition count). */
  public void expectOpenFiles(int count) {
    this.expectedOpenFiles = Math.max(1, count);
  }

  /** Reserves a share for a file being opened; returns its row group size. Pair with {@link #release()}. */
  long reserveRowGroupBytes() {
    int sharers = Math.max(expectedOpenFiles, openFiles.incrementAndGet());
    long share = budgetBytes / sharers;
    long upper = Math.min(MAX_ROW_GROUP_BYTES, Math.max(MIN_ROW_GROUP_BYTES, targetFileSizeBytes));
    return Math.max(MIN_ROW_GROUP_BYTES, Math.min(upper, share));
  }

  void release() {
    openFiles.decrementAndGet();
  }

  int openFiles() {
    return openFiles.get();
  }
}
