package org.kafkadelta.ingester.writer;

import java.time.LocalDate;

/**
 * A finished, closed data file ready to be committed. It already sits at its final path under the table;
 * until a Delta commit names it, readers do not see it.
 *
 * @param path fully qualified file URI
 * @param sizeBytes file length
 * @param modificationTimeMillis when the file was closed (the add action's modificationTime)
 * @param ingestionDate the value of the table's partition column for every row in the file
 * @param stats row count, offset range and column statistics
 */
public record WrittenFile(String path, long sizeBytes, long modificationTimeMillis, LocalDate ingestionDate, FileStats stats) {
  /** Kafka partition all rows come from. */
  public int partition() {
    return stats.partition();
  }

  public long recordCount() {
    return stats.numRecords();
  }
}
