package org.kafkadelta.ingester.metrics;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one run has committed so far: records, files, bytes and commits. Only committed work counts, so the
 * figures match what readers of the table see. Thread-safe.
 */
public final class IngestionMetrics {
  private final LongAdder records = new LongAdder();
  private final LongAdder files = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final LongAdder commits = new LongAdder();
  private final LongAdder skippedOffsets = new LongAdder();

  public void committed(long recordCount, long fileCount, long byteCount) {
    records.add(recordCount);
    files.add(fileCount);
    bytes.add(byteCount);
    commits.increment();
  }

  public void skipped(long offsets) {
    skippedOffsets.add(offsets);
  }

  public long records() {
    return records.sum();
  }

  public long files() {
    return files.sum();
  }

  public long bytes() {
    return bytes.sum();
  }

  public long commits() {
    return commits.sum();
  }

  public long skippedOffsets() {
    return skippedOffsets.sum();
  }

  /** The run's one-line summary, e.g. for the end of an available-now run. */
  public String summaryLine(Duration elapsed) {
    double seconds = Math.max(1e-3, elapsed.toNanos() / 1e9);
    return String.format(Locale.ROOT,
        "Ingested %d records into %d files (%.1f MiB), commits: %d, seconds: %.2f, records/s: %.0f%s",
        records(), files(), bytes() / (1024.0 * 1024.0), commits(), seconds, records() / seconds,
        skippedOffsets() > 0 ? ", " + skippedOffsets() + " offsets lost to retention were skipped" : "");
  }
}
