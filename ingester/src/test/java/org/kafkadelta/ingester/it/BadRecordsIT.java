package org.kafkadelta.ingester.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.kafkadelta.ingester.config.ValueFormat;
import org.kafkadelta.testkit.EmbeddedKafka;

/** The bronze layer never fails on a payload and loses nothing of it. */
@ExtendWith(SharedKafka.class)
class BadRecordsIT {
  private static final byte[] INVALID_UTF8_VALUE = {'{', (byte) 0xC3, 0x28, '}'};
  private static final byte[] INVALID_UTF8_KEY = {(byte) 0xFF, 'k'};
  private static final byte[] BINARY_HEADER = {0, 1, 2, (byte) 0xFF, (byte) 0x80};
  private static final int FIVE_MB = 5 * 1024 * 1024;

  private String topic;

  @BeforeEach
  void produceBadRecords(EmbeddedKafka kafka) {
    topic = TestTopics.uniqueName("bad");
    kafka.createTopic(topic, 1, Map.of("max.message.bytes", Integer.toString(8 * 1024 * 1024)));
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    records.add(new ProducerRecord<>(topic, 0, null, utf8("{\"no\":\"key\"}")));
    records.add(new ProducerRecord<>(topic, 0, utf8("tombstone"), null));
    records.add(new ProducerRecord<>(topic, 0, null, null));
    records.add(new ProducerRecord<>(topic, 0, utf8("bad-value"), INVALID_UTF8_VALUE));
    records.add(new ProducerRecord<>(topic, 0, INVALID_UTF8_KEY, utf8("{}")));
    byte[] big = new byte[FIVE_MB];
    Arrays.fill(big, (byte) 'x');
    records.add(new ProducerRecord<>(topic, 0, utf8("big"), big));
    ProducerRecord<byte[], byte[]> withHeaders = new ProducerRecord<>(topic, 0, utf8("headers"), utf8(""));
    withHeaders.headers().add("bin", BINARY_HEADER).add("bin", null).add("dup", utf8("a")).add("dup", utf8("b"));
    records.add(withHeaders);
    TestTopics.produce(kafka, records);
  }

  @Test
  void stringModeStoresEveryRecordAndKeepsInvalidUtf8BytesAside(EmbeddedKafka kafka, @TempDir Path dir) {
    Path table = dir.resolve("bronze");
    Ingestion.run(Ingestion.config(kafka, topic, table, "bad").build());

    List<Map<String, Object>> rows = byOffset(TableContents.read(table).hasNoDuplicates().rows);
    assertThat(rows).hasSize(7);
    assertThat(rows.get(0)).containsEntry("key", null).containsEntry("raw_json", "{\"no\":\"key\"}");
    assertThat(rows.get(1)).containsEntry("key", "tombstone").containsEntry("raw_json", null);
    assertThat(rows.get(2)).containsEntry("key", null).containsEntry("raw_json", null);
    assertThat(rows.get(3).get("raw_json")).isEqualTo("{\uFFFD(}");
    assertThat((byte[]) rows.get(3).get("raw_value_bytes")).isEqualTo(INVALID_UTF8_VALUE);
    assertThat(rows.get(4).get("key")).isEqualTo("\uFFFDk");
    assertThat((byte[]) rows.get(4).get("raw_key_bytes")).isEqualTo(INVALID_UTF8_KEY);
    assertThat(rows.get(4).get("raw_value_bytes")).isNull();
    assertThat((String) rows.get(5).get("raw_json")).hasSize(FIVE_MB).matches("x+");
    assertThat(rows.get(6)).containsEntry("raw_json", "");
    assertHeaders(rows.get(6));
    // Like Spark's Kafka source: no headers is null, not an empty array.
    assertThat(rows.subList(0, 6)).allSatisfy(r -> assertThat(r.get("headers")).isNull());
  }

  @Test
  void binaryModeStoresEveryValueByteExact(EmbeddedKafka kafka, @TempDir Path dir) {
    Path table = dir.resolve("bronze");
    Ingestion.run(Ingestion.config(kafka, topic, table, "bad-bin").valueFormat(ValueFormat.BINARY).build());

    List<Map<String, Object>> rows = byOffset(TableContents.read(table).hasNoDuplicates().rows);
    assertThat(rows).hasSize(7);
    assertThat(rows.get(0)).doesNotContainKeys("raw_json", "raw_value_bytes");
    assertThat((byte[]) rows.get(0).get("value")).isEqualTo(utf8("{\"no\":\"key\"}"));
    assertThat(rows.get(1).get("value")).isNull();
    assertThat((byte[]) rows.get(3).get("value")).isEqualTo(INVALID_UTF8_VALUE);
    assertThat((byte[]) rows.get(5).get("value")).hasSize(FIVE_MB);
    assertThat((byte[]) rows.get(6).get("value")).isEmpty();
    assertHeaders(rows.get(6));
  }

  @SuppressWarnings("unchecked")
  private static void assertHeaders(Map<String, Object> row) {
    List<Map<String, Object>> headers = (List<Map<String, Object>>) row.get("headers");
    assertThat(headers).extracting(h -> h.get("key")).containsExactly("bin", "bin", "dup", "dup");
    assertThat((byte[]) headers.get(0).get("value")).isEqualTo(BINARY_HEADER);
    assertThat(headers.get(1).get("value")).isNull();
    assertThat((byte[]) headers.get(2).get("value")).isEqualTo(utf8("a"));
    assertThat((byte[]) headers.get(3).get("value")).isEqualTo(utf8("b"));
  }

  private static List<Map<String, Object>> byOffset(List<Map<String, Object>> rows) {
    List<Map<String, Object>> sorted = new ArrayList<>(rows);
    sorted.sort((a, b) -> Long.compare((Long) a.get("offset"), (Long) b.get("offset")));
    return sorted;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
