package org.kafkadelta.ingester.writer;

import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Locale;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.kafkadelta.ingester.config.Compression;
import org.kafkadelta.ingester.config.ValueFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens data files at their final, unique path under the table:
 * {@code <table>/ingestion_date=YYYY-MM-DD/part-<uuid>.<codec>.parquet}. Thread-safe.
 */
public final class DataFileFactory {
  private static final Logger LOG = LoggerFactory.getLogger(DataFileFactory.class);
  /** Parquet checks a page's size only every N rows; with multi-MB values N must stay small. */
  private static final int MIN_ROWS_BETWEEN_SIZE_CHECKS = 10;

  private final Path tableRoot;
  private final Configuration conf;
  private final Compression compression;
  private final ValueFormat valueFormat;
  private final WriterMemoryBudget budget;
  private final Clock clock;

  /**
   * @param tableRoot fully qualified table location, e.g. {@code file:/data/bronze} or {@code s3a://lake/t}
   * @param clock gives the finished files' modification times
   */
  public DataFileFactory(String tableRoot, Configuration conf, Compression compression, ValueFormat valueFormat,
      WriterMemoryBudget budget, Clock clock) {
    this.tableRoot = new Path(tableRoot);
    this.conf = conf;
    this.compression = compression;
    this.valueFormat = valueFormat;
    this.budget = budget;
    this.clock = clock;
  }

  ValueFormat valueFormat() {
    return valueFormat;
  }

  /**
   * Deletes a finished file that will never be committed (its partition was fenced by another writer).
   * Best effort: a file no commit names is invisible to readers, and a failure here is only logged.
   */
  public void deleteUncommitted(WrittenFile file) {
    Path path = new Path(file.path());
    try {
      path.getFileSystem(conf).delete(path, false);
    } catch (IOException e) {
      LOG.warn("Could not delete uncommitted file {} (harmless: no commit references it): {}", path, e.toString());
    }
  }

  private ParquetProperties properties(long rowGroupBytes) {
    ParquetProperties.Builder builder = ParquetProperties.builder()
        .withPageSize((int) Math.min(ParquetProperties.DEFAULT_PAGE_SIZE, rowGroupBytes / 4))
        .withMinRowCountForPageSizeCheck(MIN_ROWS_BETWEEN_SIZE_CHECKS)
        .withDictionaryEncoding(true)
        // Per-page histograms of value sizes and levels: no engine we write for reads them.
        .withSizeStatisticsEnabled(false);
    for (String column : BronzeRowEncoder.payloadColumns(valueFormat)) {
      builder.withDictionaryEncoding(column, false).withStatisticsEnabled(column, false);
    }
    for (String column : BronzeRowEncoder.noDictionaryColumns()) {
      builder.withDictionaryEncoding(column, false);
    }
    // Header payloads: statistics on nested binary values are useless for readers.
    builder.withStatisticsEnabled(BronzeColumn.HEADERS + ".list.element." + BronzeColumn.HEADER_VALUE, false);
    return builder.build();
  }

  OpenDataFile open(String topic, int partition, LocalDate ingestionDate) throws IOException {
    Path dir = new Path(tableRoot, BronzeColumn.INGESTION_DATE + "=" + ingestionDate);
    String suffix = compression.fileSuffix().isEmpty() ? "" : "." + compression.fileSuffix();
    Path path = new Path(dir, "part-" + UUID.randomUUID() + suffix + ".parquet");
    BronzeRowEncoder encoder = new BronzeRowEncoder(valueFormat, topic, partition);
    long rowGroupBytes = budget.reserveRowGroupBytes();
    try {
      return new OpenDataFile(HadoopOutputFile.fromPath(path, conf), path, conf, clock, ingestionDate, encoder,
          properties(rowGroupBytes), CompressionCodecName.valueOf(compression.name().toUpperCase(Locale.ROOT)),
          rowGroupBytes, budget);
    } catch (IOException | RuntimeException e) {
      budget.release();
      throw e;
    }
  }
}
