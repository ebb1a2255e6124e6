package org.kafkadelta.ingester.writer;

import java.util.OptionalLong;

/** Accumulates {@link FileStats} while rows are written. Not thread-safe: owned by one open file. */
final class FileStatsCollector {
  private final int partition;
  private long numRecords;
  private long minOffset = Long.MAX_VALUE;
  private long maxOffset = Long.MIN_VALUE;
  private long minEventMicros = Long.MAX_VALUE;
  private long maxEventMicros = Long.MIN_VALUE;
  private long minIngestionMicros = Long.MAX_VALUE;
  private long maxIngestionMicros = Long.MIN_VALUE;
  private long nullKeys;
  private long nullValues;
  private long nullEventTimestamps;
  private long invalidUtf8Values;
  private long invalidUtf8Keys;

  FileStatsCollector(int partition) {
    this.partition = partition;
  }

  void row(long offset, long eventMicrosOrNegative, long ingestionMicros) {
    numRecords++;
    minOffset = Math.min(minOffset, offset);
    maxOffset = Math.max(maxOffset, offset);
    if (eventMicrosOrNegative >= 0) {
      minEventMicros = Math.min(minEventMicros, eventMicrosOrNegative);
      maxEventMicros = Math.max(maxEventMicros, eventMicrosOrNegative);
    } else {
      nullEventTimestamps++;
    }
    minIngestionMicros = Math.min(minIngestionMicros, ingestionMicros);
    maxIngestionMicros = Math.max(maxIngestionMicros, ingestionMicros);
  }

  void nullKey() {
    nullKeys++;
  }

  void nullValue() {
    nullValues++;
  }

  void invalidUtf8Value() {
    invalidUtf8Values++;
  }

  void invalidUtf8Key() {
    invalidUtf8Keys++;
  }

  long invalidUtf8Values() {
    return invalidUtf8Values;
  }

  long invalidUtf8Keys() {
    return invalidUtf8Keys;
  }

  long numRecords() {
    return numRecords;
  }

  FileStats snapshot() {
    if (numRecords == 0) {
      throw new IllegalStateException("Cannot describe an empty file: no row was written");
    }
    boolean anyEventTime = maxEventMicros != Long.MIN_VALUE;
    return new FileStats(
        numRecords,
        minOffset,
        maxOffset,
        partition,
        anyEventTime ? OptionalLong.of(minEventMicros) : OptionalLong.empty(),
        anyEventTime ? OptionalLong.of(maxEventMicros) : OptionalLong.empty(),
        minIngestionMicros,
        maxIngestionMicros,
        nullKeys,
        nullValues,
        nullEventTimestamps,
        invalidUtf8Values,
        invalidUtf8Keys);
  }
}
