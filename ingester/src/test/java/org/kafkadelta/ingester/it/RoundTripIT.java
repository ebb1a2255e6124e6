package org.kafkadelta.ingester.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.kafkadelta.ingester.metrics.IngestionMetrics;
import org.kafkadelta.testkit.DeltaTableReader;
import org.kafkadelta.testkit.EmbeddedKafka;

@ExtendWith(SharedKafka.class)
class RoundTripIT {
  private static final int PARTITIONS = 4;
  private static final int RECORDS = 100_000;

  @Test
  void ingestsEveryRecordOnceWithEveryColumnFilled(EmbeddedKafka kafka, @TempDir Path dir) {
    String topic = TestTopics.uniqueName("roundtrip");
    kafka.createTopic(topic, PARTITIONS);
    Instant producedFrom = Instant.now();
    TestTopics.produceNumbered(kafka, topic, PARTITIONS, 0, RECORDS);
    Instant producedUntil = Instant.now();
    Path table = dir.resolve("bronze");

    IngestionMetrics metrics = Ingestion.run(Ingestion.config(kafka, topic, table, "roundtrip").build());
    Instant ingestedUntil = Instant.now();

    assertThat(metrics.records()).isEqualTo(RECORDS);
    TableContents contents = TableContents.read(table).hasNoDuplicates()
        .hasContiguousOffsets(Map.of(0, 25_000L, 1, 25_000L, 2, 25_000L, 3, 25_000L));
    assertThat(contents.rows).hasSize(RECORDS);
    for (Map<String, Object> row : contents.rows) {
      int partition = (Integer) row.get("partition");
      long offset = (Long) row.get("offset");
      int i = (int) (offset * PARTITIONS + partition);
      assertThat(row.get("key")).isEqualTo("k-" + i);
      assertThat(row.get("raw_json")).isEqualTo(new String(TestTopics.valueOf(i, partition), StandardCharsets.UTF_8));
      assertThat(row.get("topic")).isEqualTo(topic);
      Instant enqueued = (Instant) row.get("event_enqueued_timestamp");
      assertThat(enqueued).isBetween(producedFrom.minusSeconds(1), producedUntil.plusSeconds(1));
      Instant ingested = (Instant) row.get("ingestion_timestamp");
      assertThat(ingested).isBetween(producedFrom, ingestedUntil);
      assertThat(row.get("ingestion_date")).isEqualTo(LocalDate.ofInstant(ingested, ZoneOffset.UTC));
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> headers = (List<Map<String, Object>>) row.get("headers");
      assertThat(headers).hasSize(2);
      assertThat(headers.get(0).get("key")).isEqualTo("source");
      assertThat((byte[]) headers.get(0).get("value")).isEqualTo("test".getBytes(StandardCharsets.UTF_8));
      assertThat(headers.get(1).get("key")).isEqualTo("i");
      assertThat((byte[]) headers.get(1).get("value")).isEqualTo(Integer.toString(i).getBytes(StandardCharsets.UTF_8));
      assertThat(row.get("raw_value_bytes")).isNull();
      assertThat(row.get("raw_key_bytes")).isNull();
    }
    DeltaTableReader reader = new DeltaTableReader();
    for (int p = 0; p < PARTITIONS; p++) {
      assertThat(reader.domainMetadata(table.toString(), "kafka-delta-ingester/roundtrip/" + topic + "/" + p))
          .contains("{\"nextOffset\":25000}");
    }
    assertThat(reader.partitionColumns(table.toString())).containsExactly("ingestion_date");
  }
}
