package org.kafkadelta.ingester.writer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.kafkadelta.ingester.config.ValueFormat;

/**
 * Encodes each Kafka record as one bronze row, writing straight into the Parquet column writers of the
 * current row group, and collects the file's statistics on the way. One instance per file; not thread-safe.
 *
 * <p>The schema is flat apart from the headers list, so every value's repetition and definition levels are
 * known here and written directly: parquet-mr's record-assembly layer ({@code MessageColumnIO}), which
 * works them out per field at run time, cost more CPU than the encoding itself.
 *
 * <p>Never fails on a payload: null keys and values become nulls, values that are not valid UTF-8 (string
 * mode) and keys that are not valid UTF-8 are stored decoded with U+FFFD replacement characters while the
 * original bytes go to {@code raw_value_bytes} / {@code raw_key_bytes}.
 */
final class BronzeRowEncoder {
  private static final String LIST = "list";
  private static final String ELEMENT = "element";
  /** Definition level of a present top-level optional column; 0 means null. */
  private static final int PRESENT = 1;
  /** Definition levels inside headers: optional list (1) / repeated list (2) / optional element (3) / leaf. */
  private static final int HEADER_ELEMENT = 3;
  private static final int HEADER_FIELD = 4;

  private final ValueFormat valueFormat;
  private final MessageType schema;
  private final Binary topic;
  private final FileStatsCollector stats;
  private long ingestionMicros;
  private ColumnWriter key;
  private ColumnWriter value;
  private ColumnWriter topicColumn;
  private ColumnWriter partition;
  private ColumnWriter offset;
  private ColumnWriter eventTimestamp;
  private ColumnWriter ingestionTimestamp;
  private ColumnWriter headerKey;
  private ColumnWriter headerValue;
  private ColumnWriter rawKey;
  private ColumnWriter rawValue;

  BronzeRowEncoder(ValueFormat valueFormat, String topic, int partition) {
    this.valueFormat = valueFormat;
    this.schema = parquetSchema(valueFormat);
    this.topic = Binary.fromString(topic);
    this.stats = new FileStatsCollector(partition);
  }

  /** The data files' Parquet schema: the table's columns without the partition column, all optional. */
  static MessageType parquetSchema(ValueFormat format) {
    Types.MessageTypeBuilder builder = Types.buildMessage();
    for (BronzeColumn column : BronzeColumn.fileColumns(format)) {
      builder.addField(parquetType(column));
    }
    return builder.named("bronze");
  }

  private static Type parquetType(BronzeColumn column) {
    String name = column.name();
    switch (column.type()) {
      case STRING:
        return Types.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(name);
      case BINARY:
        return Types.optional(PrimitiveTypeName.BINARY).named(name);
      case INT:
        return Types.optional(PrimitiveTypeName.INT32).named(name);
      case LONG:
        return Types.optional(PrimitiveTypeName.INT64).named(name);
      case TIMESTAMP:
        return Types.optional(PrimitiveTypeName.INT64)
            .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS))
            .named(name);
      case HEADERS:
        // The standard 3-level LIST layout (what Spark writes for array<struct<key,value>>).
        GroupType element = Types.optionalGroup()
            .addField(Types.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType())
                .named(BronzeColumn.HEADER_KEY))
            .addField(Types.optional(PrimitiveTypeName.BINARY).named(BronzeColumn.HEADER_VALUE))
            .named(ELEMENT);
        return Types.optionalGroup().as(LogicalTypeAnnotation.listType())
            .addField(Types.repeatedGroup().addField(element).named(LIST))
            .named(name);
      default:
        throw new IllegalArgumentException("Column " + name + " of type " + column.type()
            + " is not stored in data files");
    }
  }

  MessageType schema() {
    return schema;
  }

  /** Directs the next rows into {@code store}: called for every new row group. */
  void startRowGroup(ColumnWriteStore store) {
    key = store.getColumnWriter(column(BronzeColumn.KEY));
    value = store.getColumnWriter(
        column(valueFormat == ValueFormat.STRING ? BronzeColumn.RAW_JSON : BronzeColumn.VALUE));
    topicColumn = store.getColumnWriter(column(BronzeColumn.TOPIC));
    partition = store.getColumnWriter(column(BronzeColumn.PARTITION));
    offset = store.getColumnWriter(column(BronzeColumn.OFFSET));
    eventTimestamp = store.getColumnWriter(column(BronzeColumn.EVENT_ENQUEUED_TIMESTAMP));
    ingestionTimestamp = store.getColumnWriter(column(BronzeColumn.INGESTION_TIMESTAMP));
    headerKey = store.getColumnWriter(column(BronzeColumn.HEADERS, LIST, ELEMENT, BronzeColumn.HEADER_KEY));
    headerValue = store.getColumnWriter(column(BronzeColumn.HEADERS, LIST, ELEMENT, BronzeColumn.HEADER_VALUE));
    rawKey = store.getColumnWriter(column(BronzeColumn.RAW_KEY_BYTES));
    rawValue = valueFormat == ValueFormat.STRING ? store.getColumnWriter(column(BronzeColumn.RAW_VALUE_BYTES)) : null;
  }

  private ColumnDescriptor column(String... path) {
    return schema.getColumnDescription(path);
  }

  /** Sets the ingestion_timestamp of the rows written next. */
  void ingestionTimestampMicros(long micros) {
    this.ingestionMicros = micros;
  }

  FileStatsCollector stats() {
    return stats;
  }

  /** Writes one value (or null) into every column; the caller ends the row on the column store. */
  void write(ConsumerRecord<byte[], byte[]> record) {
    byte[] originalKey = writeKey(record.key());
    byte[] originalValue = writeValue(record.value());
    topicColumn.write(topic, 0, PRESENT);
    partition.write(record.partition(), 0, PRESENT);
    offset.write(record.offset(), 0, PRESENT);
    // Kafka uses -1 for "no timestamp" (pre-0.10 message format): store null, not 1969.
    long eventMicros = record.timestamp() >= 0 ? record.timestamp() * 1000L : -1L;
    if (eventMicros >= 0) {
      eventTimestamp.write(eventMicros, 0, PRESENT);
    } else {
      eventTimestamp.writeNull(0, 0);
    }
    ingestionTimestamp.write(ingestionMicros, 0, PRESENT);
    writeHeaders(record.headers().toArray());
    writeOptional(rawKey, originalKey);
    if (rawValue != null) {
      writeOptional(rawValue, originalValue);
    }
    stats.row(record.offset(), eventMicros, ingestionMicros);
  }

  /** Writes the key column; returns the original bytes when they must also go to raw_key_bytes. */
  private byte[] writeKey(byte[] bytes) {
    if (bytes == null) {
      stats.nullKey();
      key.writeNull(0, 0);
      return null;
    }
    if (Utf8.isWellFormed(bytes)) {
      key.write(Binary.fromConstantByteArray(bytes), 0, PRESENT);
      return null;
    }
    stats.invalidUtf8Key();
    key.write(Binary.fromString(new String(bytes, StandardCharsets.UTF_8)), 0, PRESENT);
    return bytes;
  }

  /** Writes the value column; returns the original bytes when they must also go to raw_value_bytes. */
  private byte[] writeValue(byte[] bytes) {
    if (bytes == null) {
      stats.nullValue();
      value.writeNull(0, 0);
      return null;
    }
    if (valueFormat == ValueFormat.BINARY || Utf8.isWellFormed(bytes)) {
      value.write(Binary.fromConstantByteArray(bytes), 0, PRESENT);
      return null;
    }
    stats.invalidUtf8Value();
    // new String(..., UTF_8) replaces every malformed sequence with U+FFFD.
    value.write(Binary.fromString(new String(bytes, StandardCharsets.UTF_8)), 0, PRESENT);
    return bytes;
  }

  private void writeHeaders(Header[] headers) {
    if (headers.length == 0) {
      // null, as Spark's Kafka source gives a record without headers
      headerKey.writeNull(0, 0);
      headerValue.writeNull(0, 0);
      return;
    }
    for (int i = 0; i < headers.length; i++) {
      int repetition = i == 0 ? 0 : 1;
      Header header = headers[i];
      if (header.key() != null) {
        headerKey.write(Binary.fromString(header.key()), repetition, HEADER_FIELD);
      } else {
        headerKey.writeNull(repetition, HEADER_ELEMENT);
      }
      if (header.value() != null) {
        headerValue.write(Binary.fromConstantByteArray(header.value()), repetition, HEADER_FIELD);
      } else {
        headerValue.writeNull(repetition, HEADER_ELEMENT);
      }
    }
  }

  private static void writeOptional(ColumnWriter column, byte[] bytes) {
    if (bytes != null) {
      column.write(Binary.fromConstantByteArray(bytes), 0, PRESENT);
    } else {
      column.writeNull(0, 0);
    }
  }

  /**
   * Columns holding large payloads: dictionary encoding and min/max statistics only cost CPU there (every
   * value is compared byte by byte for the min/max, and no reader filters on raw payload ranges).
   */
  static List<String> payloadColumns(ValueFormat format) {
    return format == ValueFormat.STRING
        ? List.of(BronzeColumn.RAW_JSON, BronzeColumn.RAW_VALUE_BYTES, BronzeColumn.RAW_KEY_BYTES)
        : List.of(BronzeColumn.VALUE, BronzeColumn.RAW_KEY_BYTES);
  }

  /**
   * Columns written without a dictionary, which costs a hash lookup per row: those that are (nearly) unique
   * per row, or usually are (Kafka keys), where it rarely pays off before falling back to plain encoding;
   * and the partition and ingestion time, constant or nearly so within a file, whose plain runs the codec
   * squeezes almost as well (+0.8 % file size for 0–7 % more one-thread encode rate in the JMH benchmark).
   */
  static List<String> noDictionaryColumns() {
    return List.of(BronzeColumn.KEY, BronzeColumn.OFFSET, BronzeColumn.EVENT_ENQUEUED_TIMESTAMP,
        BronzeColumn.PARTITION, BronzeColumn.INGESTION_TIMESTAMP);
  }
}
