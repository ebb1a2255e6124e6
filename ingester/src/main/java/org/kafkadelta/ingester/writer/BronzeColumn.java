package org.kafkadelta.ingester.writer;

import java.util.ArrayList;
import java.util.List;
import org.kafkadelta.ingester.config.ValueFormat;

/**
 * The bronze table's columns, in table order, for one {@link ValueFormat}. Both the Parquet file schema
 * and the Delta table schema are derived from this list, so they cannot drift apart.
 *
 * @param name column name in the table and in the data files
 * @param type logical type
 * @param partitionColumn whether it is the table's partition column (then it is not stored in the files)
 */
public record BronzeColumn(String name, Type type, boolean partitionColumn) {
  public static final String KEY = "key";
  public static final String RAW_JSON = "raw_json";
  public static final String VALUE = "value";
  public static final String TOPIC = "topic";
  public static final String PARTITION = "partition";
  public static final String OFFSET = "offset";
  public static final String EVENT_ENQUEUED_TIMESTAMP = "event_enqueued_timestamp";
  public static final String INGESTION_TIMESTAMP = "ingestion_timestamp";
  public static final String INGESTION_DATE = "ingestion_date";
  public static final String HEADERS = "headers";
  public static final String HEADER_KEY = "key";
  public static final String HEADER_VALUE = "value";
  /** Original key bytes, set only when the key is not valid UTF-8 (then {@code key} holds it decoded with U+FFFD). */
  public static final String RAW_KEY_BYTES = "raw_key_bytes";
  /** Original value bytes, set only in string mode when the value is not valid UTF-8. */
  public static final String RAW_VALUE_BYTES = "raw_value_bytes";

  /** Logical column types; the Parquet and Delta schemas map each one. */
  public enum Type {
    STRING,
    BINARY,
    INT,
    LONG,
    TIMESTAMP,
    DATE,
    /** {@code array<struct<key string, value binary>>}, as Spark's Kafka source gives headers. */
    HEADERS
  }

  /** All columns of the table in table order (every column is nullable). */
  public static List<BronzeColumn> tableColumns(ValueFormat format) {
    List<BronzeColumn> cols = new ArrayList<>();
    cols.add(new BronzeColumn(KEY, Type.STRING, false));
    cols.add(format == ValueFormat.STRING
        ? new BronzeColumn(RAW_JSON, Type.STRING, false)
        : new BronzeColumn(VALUE, Type.BINARY, false));
    cols.add(new BronzeColumn(TOPIC, Type.STRING, false));
    cols.add(new BronzeColumn(PARTITION, Type.INT, false));
    cols.add(new BronzeColumn(OFFSET, Type.LONG, false));
    cols.add(new BronzeColumn(EVENT_ENQUEUED_TIMESTAMP, Type.TIMESTAMP, false));
    cols.add(new BronzeColumn(INGESTION_TIMESTAMP, Type.TIMESTAMP, false));
    cols.add(new BronzeColumn(INGESTION_DATE, Type.DATE, true));
    cols.add(new BronzeColumn(HEADERS, Type.HEADERS, false));
    cols.add(new BronzeColumn(RAW_KEY_BYTES, Type.BINARY, false));
    if (format == ValueFormat.STRING) {
      cols.add(new BronzeColumn(RAW_VALUE_BYTES, Type.BINARY, false));
    }
    return List.copyOf(cols);
  }

  /** The columns stored in each data file: the table columns minus the partition column. */
  public static List<BronzeColumn> fileColumns(ValueFormat format) {
    return tableColumns(format).stream().filter(c -> !c.partitionColumn()).toList();
  }
}
