package org.kafkadelta.ingester.writer;

import java.io.IOException;
import java.time.LocalDate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.OutputFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Parquet data file being written at its final path. Lifecycle: {@link #write} any number of times,
 * then exactly one of {@link #close()} (which yields the {@link WrittenFile}) or {@link #abort()}. Not
 * thread-safe.
 */
final class OpenDataFile {
  private static final Logger LOG = LoggerFactory.getLogger(OpenDataFile.class);

  private final Path path;
  private final FileSystem fileSystem;
  private final LocalDate ingestionDate;
  private final BronzeWriteSupport writeSupport;
  private final ParquetWriter<ConsumerRecord<byte[], byte[]>> writer;
  private final WriterMemoryBudget budget;
  private boolean finished;

  OpenDataFile(Path path, Configuration conf, LocalDate ingestionDate, BronzeWriteSupport writeSupport,
      ParquetWriter<ConsumerRecord<byte[], byte[]>> writer, WriterMemoryBudget budget) throws IOException {
    this.path = path;
    this.fileSystem = path.getFileSystem(conf);
    this.ingestionDate = ingestionDate;
    this.writeSupport = writeSupport;
    this.writer = writer;
    this.budget = budget;
  }

  LocalDate ingestionDate() {
    return ingestionDate;
  }

  void ingestionTimestampMicros(long micros) {
    writeSupport.ingestionTimestampMicros(micros);
  }

  void write(ConsumerRecord<byte[], byte[]> record) throws IOException {
    writer.write(record);
  }

  /** Bytes written so far plus the buffered row group: what the file would roughly weigh if closed now. */
  long estimatedSizeBytes() {
    return writer.getDataSize();
  }

  long recordCount() {
    return writeSupport.stats().numRecords();
  }

  FileStatsCollector stats() {
    return writeSupport.stats();
  }

  /** Flushes the footer and returns the finished file. The file must hold at least one row. */
  WrittenFile close() throws IOException {
    finish();
    writer.close();
    FileStatus status = fileSystem.getFileStatus(path);
    return new WrittenFile(status.getPath().toString(), status.getLen(), status.getModificationTime(),
        ingestionDate, writeSupport.stats().snapshot());
  }

  /** Closes and deletes the file. Best effort: a file no commit names is invisible to readers anyway. */
  void abort() {
    finish();
    try {
      writer.close();
    } catch (IOException | RuntimeException e) {
      LOG.debug("Closing aborted file {} failed; deleting it anyway", path, e);
    }
    try {
      fileSystem.delete(path, false);
    } catch (IOException e) {
      LOG.warn("Could not delete uncommitted file {} (harmless: no commit references it): {}", path, e.toString());
    }
  }

  private void finish() {
    if (finished) {
      throw new IllegalStateException("File " + path + " was already closed or aborted");
    }
    finished = true;
    budget.release();
  }

  /** Builds the Parquet writer with our write support (the builder API asks for a subclass). */
  static final class Builder extends ParquetWriter.Builder<ConsumerRecord<byte[], byte[]>, Builder> {
    private final BronzeWriteSupport writeSupport;

    Builder(OutputFile file, BronzeWriteSupport writeSupport) {
      super(file);
      this.writeSupport = writeSupport;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<ConsumerRecord<byte[], byte[]>> getWriteSupport(Configuration conf) {
      return writeSupport;
    }
  }
}
