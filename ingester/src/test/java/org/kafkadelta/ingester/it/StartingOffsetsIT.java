package org.kafkadelta.ingester.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.kafkadelta.ingester.config.StartingOffsets;
import org.kafkadelta.testkit.EmbeddedKafka;

@ExtendWith(SharedKafka.class)
class StartingOffsetsIT {
  @Test
  void startingAtATimestampSkipsOlderRecords(EmbeddedKafka kafka, @TempDir Path dir) {
    String topic = TestTopics.uniqueName("from-ts");
    kafka.createTopic(topic, 1);
    Instant base = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      records.add(new ProducerRecord<>(topic, 0, base.plusSeconds(i).toEpochMilli(), null,
          ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
    }
    TestTopics.produce(kafka, records);
    Path table = dir.resolve("bronze");

    Ingestion.run(Ingestion.config(kafka, topic, table, "ts")
        .startingOffsets(StartingOffsets.at(base.plusSeconds(60))).build());

    TableContents contents = TableContents.read(table).hasNoDuplicates();
    assertThat(contents.rows).hasSize(40);
    assertThat(contents.rows).allSatisfy(row -> {
      assertThat((Long) row.get("offset")).isGreaterThanOrEqualTo(60);
      assertThat((Instant) row.get("event_enqueued_timestamp")).isAfterOrEqualTo(base.plusSeconds(60));
    });
  }

  @Test
  void startingAtLatestPinsThePositionSoLaterRecordsAreNotSkipped(EmbeddedKafka kafka, @TempDir Path dir) {
    String topic = TestTopics.uniqueName("from-latest");
    kafka.createTopic(topic, 2);
    TestTopics.produceNumbered(kafka, topic, 2, 0, 100);
    Path table = dir.resolve("bronze");
    var config = Ingestion.config(kafka, topic, table, "latest").startingOffsets(StartingOffsets.latest()).build();

    assertThat(Ingestion.run(config).records()).isZero();
    TestTopics.produceNumbered(kafka, topic, 2, 100, 10);
    assertThat(Ingestion.run(config).records()).isEqualTo(10);

    TableContents contents = TableContents.read(table).hasNoDuplicates();
    assertThat(contents.rows).extracting(r -> (Long) r.get("offset")).allMatch(o -> o >= 50 && o < 55);
    assertThat(contents.rows).hasSize(10);
  }
}
