package org.kafkadelta.ingester.writer;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.kafkadelta.ingester.config.ValueFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the records of one Kafka partition into data files: one open file per ingestion date, rolled to a
 * new file when the {@link RollingPolicy} says it is full. Finished files wait here until the coordinator
 * takes them with {@link #completeFiles()}, or are deleted by {@link #abort()}.
 *
 * <p>Not thread-safe: the caller guarantees that one thread at a time uses an instance.
 */
public final class PartitionFileWriter {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionFileWriter.class);

  private final String topic;
  private final int partition;
  private final DataFileFactory files;
  private final RollingPolicy rollingPolicy;
  private final Map<LocalDate, OpenDataFile> openFiles = new HashMap<>(2);
  private final List<WrittenFile> finished = new ArrayList<>();
  private long rowsSinceSizeCheck;
  private long lastWrittenOffset = -1;
  private boolean warnedInvalidUtf8;
  private volatile boolean rolledSinceLastComplete;

  public PartitionFileWriter(String topic, int partition, DataFileFactory files, RollingPolicy rollingPolicy) {
    this.topic = topic;
    this.partition = partition;
    this.files = files;
    this.rollingPolicy = rollingPolicy;
  }

  /**
   * Appends records of this partition, in offset order, stamped with {@code ingestionTime}. Records at or
   * below an offset already written are skipped: after a seek the consumer may hand the same offsets again.
   */
  public void write(List<ConsumerRecord<byte[], byte[]>> records, Instant ingestionTime) throws IOException {
    LocalDate date = LocalDate.ofInstant(ingestionTime, ZoneOffset.UTC);
    long micros = TimeUnit.SECONDS.toMicros(ingestionTime.getEpochSecond())
        + TimeUnit.NANOSECONDS.toMicros(ingestionTime.getNano());
    if (!records.isEmpty() && (records.get(0).partition() != partition || !records.get(0).topic().equals(topic))) {
      throw new IllegalArgumentException("Records of " + records.get(0).topic() + "-" + records.get(0).partition()
          + " handed to the writer of " + topic + "-" + partition);
    }
    OpenDataFile file = null;
    for (ConsumerRecord<byte[], byte[]> record : records) {
      if (record.offset() <= lastWrittenOffset) {
        continue;
      }
      if (file == null) {
        file = openFile(date);
        file.ingestionTimestampMicros(micros);
      }
      file.write(record);
      lastWrittenOffset = record.offset();
      rowsSinceSizeCheck++;
      int recordBytes = Math.max(0, record.serializedValueSize()) + Math.max(0, record.serializedKeySize());
      if (rollingPolicy.shouldCheck(rowsSinceSizeCheck, recordBytes)) {
        rowsSinceSizeCheck = 0;
        if (rollingPolicy.shouldRoll(file.estimatedSizeBytes())) {
          finished.add(closeFile(file));
          file = null;
        }
      }
    }
    warnOnceAboutInvalidUtf8();
  }

  /** Offset of the last record written (or -1): files may hold data up to here. */
  public long lastWrittenOffset() {
    return lastWrittenOffset;
  }

  /** Whether a file filled up since the last {@link #completeFiles()}: a reason to commit early. */
  public boolean hasRolledFiles() {
    return rolledSinceLastComplete;
  }

  /** Closes every open file and hands over all finished files; afterwards nothing is pending here. */
  public List<WrittenFile> completeFiles() throws IOException {
    for (OpenDataFile file : new ArrayList<>(openFiles.values())) {
      finished.add(closeFile(file));
    }
    List<WrittenFile> out = List.copyOf(finished);
    finished.clear();
    rolledSinceLastComplete = false;
    return out;
  }

  /**
   * Deletes every open and finished file not yet handed over, and forgets the written offsets so that the
   * partition can be re-read from wherever the caller seeks.
   */
  public void abort() {
    openFiles.values().forEach(OpenDataFile::abort);
    openFiles.clear();
    finished.clear();
    lastWrittenOffset = -1;
  }

  /** Like {@link #abort()} for files already handed over by {@link #completeFiles()} whose commit failed. */
  public void forgetWrittenOffsets() {
    lastWrittenOffset = -1;
  }

  private OpenDataFile openFile(LocalDate date) throws IOException {
    OpenDataFile file = openFiles.get(date);
    if (file != null) {
      return file;
    }
    // A new UTC day started: the previous day's file is complete.
    for (OpenDataFile older : new ArrayList<>(openFiles.values())) {
      finished.add(closeFile(older));
    }
    file = files.open(topic, partition, date);
    openFiles.put(date, file);
    return file;
  }

  private WrittenFile closeFile(OpenDataFile file) throws IOException {
    openFiles.remove(file.ingestionDate());
    WrittenFile written = file.close();
    if (written.sizeBytes() >= rollingPolicy.targetFileSizeBytes()) {
      rolledSinceLastComplete = true;
    }
    return written;
  }

  private void warnOnceAboutInvalidUtf8() {
    if (warnedInvalidUtf8) {
      return;
    }
    for (OpenDataFile file : openFiles.values()) {
      FileStatsCollector s = file.stats();
      if (s.invalidUtf8Values() > 0 || s.invalidUtf8Keys() > 0) {
        warnedInvalidUtf8 = true;
        LOG.warn("Partition {}-{} has records whose key or value is not valid UTF-8 ({} values, {} keys in the"
            + " current file): stored with U+FFFD replacement characters, original bytes kept in"
            + " raw_value_bytes/raw_key_bytes.{} Warning once per partition.", topic, partition,
            s.invalidUtf8Values(), s.invalidUtf8Keys(), files.valueFormat() == ValueFormat.STRING
                ? " Use --value-format binary to store values byte-exact in a binary column." : "");
        return;
      }
    }
  }
}
