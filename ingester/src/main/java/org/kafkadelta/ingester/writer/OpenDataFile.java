package org.kafkadelta.ingester.writer;

import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Parquet data file being written at its final path: row groups of column chunks, flushed when the
 * buffered row group reaches its size. Lifecycle: {@link #write} any number of times, then exactly one of
 * {@link #close()} (which yields the {@link WrittenFile}) or {@link #abort()}. Not thread-safe.
 *
 * <p>This is parquet-hadoop's own row-group loop ({@code InternalParquetRecordWriter}) without its record
 * layer: rows come from {@link BronzeRowEncoder} straight into the column writers.
 */
final class OpenDataFile {
  private static final Logger LOG = LoggerFactory.getLogger(OpenDataFile.class);
  private static final Map<String, String> FOOTER_METADATA = Map.of("writer", "kafka-delta-ingester");

  private final Path path;
  private final Configuration conf;
  private final Clock clock;
  private final LocalDate ingestionDate;
  private final BronzeRowEncoder encoder;
  private final ParquetProperties properties;
  private final long rowGroupBytes;
  private final WriterMemoryBudget budget;
  private final CodecFactory codecs;
  private final BytesInputCompressor compressor;
  private final ParquetFileWriter fileWriter;
  private ColumnChunkPageWriteStore pageStore;
  private ColumnWriteStore columnStore;
  private int rowGroupOrdinal;
  private long rowsInGroup;
  private long nextSizeCheck;
  private long flushedBytes;
  private boolean finished;

  /**
   * Creates the file; the caller has reserved {@code rowGroupBytes} from {@code budget}, which this file
   * releases when it is closed or aborted.
   *
   * @param out where the bytes go: {@code path}
   * @param clock gives the file's modification time at close
   */
  OpenDataFile(OutputFile out, Path path, Configuration conf, Clock clock, LocalDate ingestionDate,
      BronzeRowEncoder encoder, ParquetProperties properties, CompressionCodecName codec, long rowGroupBytes,
      WriterMemoryBudget budget) throws IOException {
    this.path = path;
    this.conf = conf;
    this.clock = clock;
    this.ingestionDate = ingestionDate;
    this.encoder = encoder;
    this.properties = properties;
    this.rowGroupBytes = rowGroupBytes;
    this.budget = budget;
    this.codecs = new CodecFactory(conf, properties.getPageSizeThreshold());
    this.compressor = codecs.getCompressor(codec);
    this.fileWriter = new ParquetFileWriter(out, encoder.schema(),
        ParquetFileWriter.Mode.CREATE, rowGroupBytes, 0, null, properties);
    fileWriter.start();
    startRowGroup();
  }

  LocalDate ingestionDate() {
    return ingestionDate;
  }

  void ingestionTimestampMicros(long micros) {
    encoder.ingestionTimestampMicros(micros);
  }

  void write(ConsumerRecord<byte[], byte[]> record) throws IOException {
    encoder.write(record);
    columnStore.endRecord();
    if (++rowsInGroup >= nextSizeCheck) {
      checkRowGroupSize();
    }
  }

  /** Bytes written so far plus the buffered row group: what the file would roughly weigh if closed now. */
  long estimatedSizeBytes() {
    return flushedBytes + columnStore.getBufferedSize();
  }

  long recordCount() {
    return encoder.stats().numRecords();
  }

  FileStatsCollector stats() {
    return encoder.stats();
  }

  /**
   * Flushes the last row group and the footer, and returns the finished file. It must hold a row. Its size
   * is the count of bytes written, so no file system round trip (an S3 HEAD) is needed.
   */
  WrittenFile close() throws IOException {
    finish();
    long sizeBytes;
    try {
      flushRowGroup();
      fileWriter.end(FOOTER_METADATA);
      sizeBytes = fileWriter.getPos();
    } catch (IOException | RuntimeException e) {
      fileWriter.close();
      throw e;
    } finally {
      codecs.release();
    }
    return new WrittenFile(path.toString(), sizeBytes, clock.millis(), ingestionDate, encoder.stats().snapshot());
  }

  /** Closes and deletes the file. Best effort: a file no commit names is invisible to readers anyway. */
  void abort() {
    finish();
    try {
      columnStore.close();
      pageStore.close();
      fileWriter.close();
    } catch (IOException | RuntimeException e) {
      LOG.debug("Closing aborted file {} failed; deleting it anyway", path, e);
    } finally {
      codecs.release();
    }
    try {
      path.getFileSystem(conf).delete(path, false);
    } catch (IOException e) {
      LOG.warn("Could not delete uncommitted file {} (harmless: no commit references it): {}", path, e.toString());
    }
  }

  private void startRowGroup() {
    pageStore = new ColumnChunkPageWriteStore(compressor, encoder.schema(), properties.getAllocator(),
        properties.getColumnIndexTruncateLength(), properties.getPageWriteChecksumEnabled(), null,
        rowGroupOrdinal);
    columnStore = properties.newColumnWriteStore(encoder.schema(), pageStore, pageStore);
    encoder.startRowGroup(columnStore);
    rowsInGroup = 0;
    nextSizeCheck = properties.getMinRowCountForPageSizeCheck();
  }

  /**
   * Measuring the buffered size walks every column, so it is done only every so many rows: halfway to
   * where the row group would be full at the current bytes per row, and the group is flushed within about
   * two rows of its size (better slightly under than over).
   */
  private void checkRowGroupSize() throws IOException {
    long buffered = columnStore.getBufferedSize();
    long bytesPerRow = Math.max(1, buffered / rowsInGroup);
    if (buffered > rowGroupBytes - 2 * bytesPerRow) {
      long rowsInFlushedGroup = rowsInGroup;
      flushRowGroup();
      startRowGroup();
      nextSizeCheck = Math.min(Math.max(properties.getMinRowCountForPageSizeCheck(), rowsInFlushedGroup / 2),
          properties.getMaxRowCountForPageSizeCheck());
    } else {
      nextSizeCheck = Math.min(
          Math.max(properties.getMinRowCountForPageSizeCheck(), (rowsInGroup + rowGroupBytes / bytesPerRow) / 2),
          rowsInGroup + properties.getMaxRowCountForPageSizeCheck());
    }
  }

  private void flushRowGroup() throws IOException {
    try {
      if (rowsInGroup > 0) {
        fileWriter.startBlock(rowsInGroup);
        columnStore.flush();
        pageStore.flushToFileWriter(fileWriter);
        fileWriter.endBlock();
        rowGroupOrdinal++;
        flushedBytes = fileWriter.getPos();
      }
    } finally {
      columnStore.close();
      pageStore.close();
    }
  }

  private void finish() {
    if (finished) {
      throw new IllegalStateException("File " + path + " was already closed or aborted");
    }
    finished = true;
    budget.release();
  }
}
