package org.kafkadelta.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Operation;
import io.delta.kernel.TableManager;
import io.delta.kernel.Transaction;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.transaction.DataLayoutSpec;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.DataFileStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaTableReaderTest {
  private static final String ENGINE_INFO = "testkit-test";
  private static final LocalDate DAY = LocalDate.parse("2026-11-25");
  private static final Instant ENQUEUED = Instant.parse("2026-11-25T13:00:00.123456Z");

  /** A trimmed bronze schema covering every value mapping the ingester's tables use. */
  private static final StructType SCHEMA = new StructType()
      .add("key", StringType.STRING)
      .add("raw_json", StringType.STRING)
      .add("partition", IntegerType.INTEGER)
      .add("offset", LongType.LONG)
      .add("event_enqueued_timestamp", TimestampType.TIMESTAMP)
      .add("ingestion_date", DateType.DATE)
      .add("headers", new ArrayType(
          new StructType().add("key", StringType.STRING).add("value", BinaryType.BINARY), true))
      .add("raw_key_bytes", BinaryType.BINARY);

  /** The data file's columns: the table's minus the partition column, which lives in the Delta log. */
  private static final MessageType FILE_SCHEMA = MessageTypeParser.parseMessageType("""
      message bronze {
        optional binary key (STRING);
        optional binary raw_json (STRING);
        optional int32 partition;
        optional int64 offset;
        optional int64 event_enqueued_timestamp (TIMESTAMP(MICROS,true));
        optional group headers (LIST) {
          repeated group list {
            optional group element {
              optional binary key (STRING);
              optional binary value;
            }
          }
        }
        optional binary raw_key_bytes;
      }
      """);

  private final Configuration hadoopConf = new Configuration();
  private final Engine engine = DefaultEngine.create(hadoopConf);
  private final DeltaTableReader reader = new DeltaTableReader(engine);

  @TempDir
  Path tempDir;

  @Test
  void readsANewlyCreatedTableAsEmptyWithItsSchemaAndPartitionColumns() {
    String table = createTable();

    assertThat(reader.version(table)).isZero();
    assertThat(reader.schema(table)).isEqualTo(SCHEMA);
    assertThat(reader.partitionColumns(table)).containsExactly("ingestion_date");
    assertThat(reader.countRows(table)).isZero();
    assertThat(reader.readRows(table)).isEmpty();
    assertThat(reader.domainMetadata(table, "testkit")).isEmpty();
  }

  @Test
  void readsRowsWithTheirPartitionValueAndJavaTypesInSchemaOrder() throws IOException {
    String table = createTable();
    appendThreeRows(table);

    List<Map<String, Object>> rows = new ArrayList<>(reader.readRows(table));
    rows.sort(Comparator.comparing(row -> (Long) row.get("offset")));

    assertThat(reader.countRows(table)).isEqualTo(3);
    assertThat(rows).hasSize(3);
    Map<String, Object> first = rows.get(0);
    assertThat(first.keySet()).containsExactlyElementsOf(SCHEMA.fieldNames());
    assertThat(first).contains(
        entry("key", "sensor-0001"),
        entry("raw_json", "{\"seq\":0}"),
        entry("partition", 2),
        entry("offset", 10L),
        entry("event_enqueued_timestamp", ENQUEUED),
        entry("ingestion_date", DAY),
        entry("raw_key_bytes", null));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> headers = (List<Map<String, Object>>) first.get("headers");
    assertThat(headers).hasSize(1);
    assertThat(headers.get(0)).containsEntry("key", "trace-id");
    assertThat((byte[]) headers.get(0).get("value")).isEqualTo(bytes("abc"));

    assertThat(rows.get(1)).containsEntry("key", null).containsEntry("headers", List.of())
        .containsEntry("ingestion_date", DAY);
    assertThat(rows.get(2)).containsEntry("headers", null);
    assertThat((byte[]) rows.get(2).get("raw_key_bytes")).isEqualTo(new byte[] {(byte) 0xff, 0x00});
  }

  @Test
  void reportsTheLatestVersionDomainMetadataAndTransactionVersion() throws IOException {
    String table = createTable();
    appendThreeRows(table);

    assertThat(reader.version(table)).isEqualTo(1);
    assertThat(reader.domainMetadata(table, "testkit")).contains("{\"2\":13}");
    assertThat(reader.latestTransactionVersion(table, "app-1")).contains(7L);
    assertThat(reader.latestTransactionVersion(table, "other-app")).isEmpty();
    assertThat(reader.readRows(reader.snapshot(table, 0))).isEmpty();
  }

  private String createTable() {
    String table = tempDir.resolve("table").toString();
    TableManager.buildCreateTableTransaction(table, SCHEMA, ENGINE_INFO)
        .withDataLayoutSpec(DataLayoutSpec.partitioned(List.of(new Column("ingestion_date"))))
        .withTableProperties(Map.of("delta.feature.domainMetadata", "supported"))
        .build(engine)
        .commit(engine, CloseableIterable.emptyIterable());
    return table;
  }

  /** Commits version 1: one Parquet file in partition {@link #DAY}, plus a domain and a txn marker. */
  private void appendThreeRows(String table) throws IOException {
    Transaction txn = reader.snapshot(table)
        .buildUpdateTableTransaction(ENGINE_INFO, Operation.WRITE)
        .withTransactionId("app-1", 7)
        .build(engine);
    Row txnState = txn.getTransactionState(engine);
    DataWriteContext context = Transaction.getWriteContext(
        engine, txnState, Map.of("ingestion_date", Literal.ofDate((int) DAY.toEpochDay())));

    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(context.getTargetDirectory(), "part-0.parquet");
    SimpleGroupFactory groups = new SimpleGroupFactory(FILE_SCHEMA);
    try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(file).withType(FILE_SCHEMA)
        .withConf(hadoopConf).build()) {
      Group withHeader = record(groups, 10).append("key", "sensor-0001");
      withHeader.addGroup("headers").addGroup("list").addGroup("element")
          .append("key", "trace-id")
          .append("value", Binary.fromConstantByteArray(bytes("abc")));
      writer.write(withHeader);

      Group noKeyEmptyHeaders = record(groups, 11);
      noKeyEmptyHeaders.addGroup("headers");
      writer.write(noKeyEmptyHeaders);

      writer.write(record(groups, 12)
          .append("key", "\ufffd")
          .append("raw_key_bytes", Binary.fromConstantByteArray(new byte[] {(byte) 0xff, 0x00})));
    }
    FileStatus written = file.getFileSystem(hadoopConf).getFileStatus(file);
    DataFileStatus dataFile = new DataFileStatus(
        written.getPath().toString(), written.getLen(), written.getModificationTime(), Optional.empty());

    txn.addDomainMetadata("testkit", "{\"2\":13}");
    txn.commit(engine, CloseableIterable.inMemoryIterable(Transaction.generateAppendActions(
        engine, txnState, Utils.toCloseableIterator(List.of(dataFile).iterator()), context)));
  }

  private static Group record(SimpleGroupFactory groups, long offset) {
    return groups.newGroup()
        .append("raw_json", "{\"seq\":" + (offset - 10) + "}")
        .append("partition", 2)
        .append("offset", offset)
        .append("event_enqueued_timestamp", ENQUEUED.getEpochSecond() * 1_000_000L + ENQUEUED.getNano() / 1_000);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
