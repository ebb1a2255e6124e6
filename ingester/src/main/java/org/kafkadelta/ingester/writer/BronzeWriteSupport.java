package org.kafkadelta.ingester.writer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.kafkadelta.ingester.config.ValueFormat;

/**
 * Writes Kafka records straight into Parquet columns, with no intermediate row objects, and collects the
 * file's statistics on the way. One instance per file; not thread-safe.
 *
 * <p>Never fails on a payload: null keys and values become nulls, values that are not valid UTF-8 (string
 * mode) and keys that are not valid UTF-8 are stored decoded with U+FFFD replacement characters while the
 * original bytes go to {@code raw_value_bytes} / {@code raw_key_bytes}.
 */
final class BronzeWriteSupport extends WriteSupport<ConsumerRecord<byte[], byte[]>> {
  private static final String LIST = "list";
  private static final String ELEMENT = "element";

  private final ValueFormat valueFormat;
  private final MessageType schema;
  private final Binary topic;
  private final FileStatsCollector stats;
  private final int keyIndex;
  private final int valueIndex;
  private final int topicIndex;
  private final int partitionIndex;
  private final int offsetIndex;
  private final int eventTimestampIndex;
  private final int ingestionTimestampIndex;
  private final int headersIndex;
  private final int rawKeyIndex;
  private final int rawValueIndex;
  private RecordConsumer out;
  private long ingestionMicros;

  BronzeWriteSupport(ValueFormat valueFormat, String topic, int partition) {
    this.valueFormat = valueFormat;
    this.schema = parquetSchema(valueFormat);
    this.topic = Binary.fromString(topic);
    this.stats = new FileStatsCollector(partition);
    this.keyIndex = schema.getFieldIndex(BronzeColumn.KEY);
    this.valueIndex = schema.getFieldIndex(
        valueFormat == ValueFormat.STRING ? BronzeColumn.RAW_JSON : BronzeColumn.VALUE);
    this.topicIndex = schema.getFieldIndex(BronzeColumn.TOPIC);
    this.partitionIndex = schema.getFieldIndex(BronzeColumn.PARTITION);
    this.offsetIndex = schema.getFieldIndex(BronzeColumn.OFFSET);
    this.eventTimestampIndex = schema.getFieldIndex(BronzeColumn.EVENT_ENQUEUED_TIMESTAMP);
    this.ingestionTimestampIndex = schema.getFieldIndex(BronzeColumn.INGESTION_TIMESTAMP);
    this.headersIndex = schema.getFieldIndex(BronzeColumn.HEADERS);
    this.rawKeyIndex = schema.getFieldIndex(BronzeColumn.RAW_KEY_BYTES);
    this.rawValueIndex = valueFormat == ValueFormat.STRING ? schema.getFieldIndex(BronzeColumn.RAW_VALUE_BYTES) : -1;
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

  @Override
  public WriteContext init(Configuration configuration) {
    return new WriteContext(schema, Map.of("writer", "kafka-delta-ingester"));
  }

  @Override
  public void prepareForWrite(RecordConsumer recordConsumer) {
    this.out = recordConsumer;
  }

  /** Sets the ingestion_timestamp of the rows written next. */
  void ingestionTimestampMicros(long micros) {
    this.ingestionMicros = micros;
  }

  FileStatsCollector stats() {
    return stats;
  }

  @Override
  public void write(ConsumerRecord<byte[], byte[]> record) {
    out.startMessage();
    byte[] rawKey = writeKey(record.key());
    byte[] rawValue = writeValue(record.value());
    writeBinary(BronzeColumn.TOPIC, topicIndex, topic);
    out.startField(BronzeColumn.PARTITION, partitionIndex);
    out.addInteger(record.partition());
    out.endField(BronzeColumn.PARTITION, partitionIndex);
    out.startField(BronzeColumn.OFFSET, offsetIndex);
    out.addLong(record.offset());
    out.endField(BronzeColumn.OFFSET, offsetIndex);
    // Kafka uses -1 for "no timestamp" (pre-0.10 message format): store null, not 1969.
    long eventMicros = record.timestamp() >= 0 ? record.timestamp() * 1000L : -1L;
    if (eventMicros >= 0) {
      out.startField(BronzeColumn.EVENT_ENQUEUED_TIMESTAMP, eventTimestampIndex);
      out.addLong(eventMicros);
      out.endField(BronzeColumn.EVENT_ENQUEUED_TIMESTAMP, eventTimestampIndex);
    }
    out.startField(BronzeColumn.INGESTION_TIMESTAMP, ingestionTimestampIndex);
    out.addLong(ingestionMicros);
    out.endField(BronzeColumn.INGESTION_TIMESTAMP, ingestionTimestampIndex);
    writeHeaders(record.headers().toArray());
    if (rawKey != null) {
      writeBinary(BronzeColumn.RAW_KEY_BYTES, rawKeyIndex, Binary.fromConstantByteArray(rawKey));
    }
    if (rawValue != null) {
      writeBinary(BronzeColumn.RAW_VALUE_BYTES, rawValueIndex, Binary.fromConstantByteArray(rawValue));
    }
    out.endMessage();
    stats.row(record.offset(), eventMicros, ingestionMicros);
  }

  /** Writes the key column; returns the original bytes when they must also go to raw_key_bytes. */
  private byte[] writeKey(byte[] key) {
    if (key == null) {
      stats.nullKey();
      return null;
    }
    if (Utf8.isWellFormed(key)) {
      writeBinary(BronzeColumn.KEY, keyIndex, Binary.fromConstantByteArray(key));
      return null;
    }
    stats.invalidUtf8Key();
    writeBinary(BronzeColumn.KEY, keyIndex, Binary.fromString(new String(key, StandardCharsets.UTF_8)));
    return key;
  }

  /** Writes the value column; returns the original bytes when they must also go to raw_value_bytes. */
  private byte[] writeValue(byte[] value) {
    String column = valueFormat == ValueFormat.STRING ? BronzeColumn.RAW_JSON : BronzeColumn.VALUE;
    if (value == null) {
      stats.nullValue();
      return null;
    }
    if (valueFormat == ValueFormat.BINARY || Utf8.isWellFormed(value)) {
      writeBinary(column, valueIndex, Binary.fromConstantByteArray(value));
      return null;
    }
    stats.invalidUtf8Value();
    // new String(..., UTF_8) replaces every malformed sequence with U+FFFD.
    writeBinary(column, valueIndex, Binary.fromString(new String(value, StandardCharsets.UTF_8)));
    return value;
  }

  private void writeHeaders(Header[] headers) {
    if (headers.length == 0) {
      return; // null, as Spark's Kafka source gives a record without headers
    }
    out.startField(BronzeColumn.HEADERS, headersIndex);
    out.startGroup();
    out.startField(LIST, 0);
    for (Header header : headers) {
      out.startGroup();
      out.startField(ELEMENT, 0);
      out.startGroup();
      if (header.key() != null) {
        writeBinary(BronzeColumn.HEADER_KEY, 0, Binary.fromString(header.key()));
      }
      if (header.value() != null) {
        writeBinary(BronzeColumn.HEADER_VALUE, 1, Binary.fromConstantByteArray(header.value()));
      }
      out.endGroup();
      out.endField(ELEMENT, 0);
      out.endGroup();
    }
    out.endField(LIST, 0);
    out.endGroup();
    out.endField(BronzeColumn.HEADERS, headersIndex);
  }

  private void writeBinary(String field, int index, Binary value) {
    out.startField(field, index);
    out.addBinary(value);
    out.endField(field, index);
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
   * Columns that are (nearly) unique per row, or usually are (Kafka keys): a dictionary costs a hash lookup
   * per row and rarely pays off before it falls back to plain encoding.
   */
  static List<String> uniqueValueColumns() {
    return List.of(BronzeColumn.KEY, BronzeColumn.OFFSET, BronzeColumn.EVENT_ENQUEUED_TIMESTAMP);
  }
}
