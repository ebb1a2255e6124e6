package org.kafkadelta.ingester.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.kafkadelta.ingester.config.IngesterConfig;
import org.kafkadelta.testkit.DeltaTableReader;
import org.kafkadelta.testkit.EmbeddedKafka;

@ExtendWith(SharedKafka.class)
class RestartIT {
  @Test
  void restartResumesFromTheTableWithNoDuplicateAndNoGap(EmbeddedKafka kafka, @TempDir Path dir)
      throws Exception {
    String topic = TestTopics.uniqueName("restart");
    kafka.createTopic(topic, 4);
    Path table = dir.resolve("bronze");
    IngesterConfig config = Ingestion.config(kafka, topic, table, "restart").build();

    TestTopics.produceNumbered(kafka, topic, 4, 0, 20_000);
    assertThat(Ingestion.run(config).records()).isEqualTo(20_000);
    TestTopics.produceNumbered(kafka, topic, 4, 20_000, 12_000);
    assertThat(Ingestion.run(config).records()).isEqualTo(12_000);
    // Nothing new: a third run commits nothing and changes nothing.
    long version = new DeltaTableReader().version(table.toString());
    assertThat(Ingestion.run(config).records()).isZero();
    assertThat(new DeltaTableReader().version(table.toString())).isEqualTo(version);

    TableContents.read(table).hasNoDuplicates()
        .hasContiguousOffsets(Map.of(0, 8_000L, 1, 8_000L, 2, 8_000L, 3, 8_000L));
    // Available-now takes its partitions without joining the group, yet lag tools still see its progress.
    Map<TopicPartition, OffsetAndMetadata> groupOffsets =
        kafka.admin().listConsumerGroupOffsets("restart").partitionsToOffsetAndMetadata().get();
    assertThat(groupOffsets).hasSize(4);
    groupOffsets.values().forEach(o -> assertThat(o.offset()).isEqualTo(8_000L));
  }

  @Test
  void theTableNotTheConsumerGroupDecidesWhereToResume(EmbeddedKafka kafka, @TempDir Path dir) throws Exception {
    String topic = TestTopics.uniqueName("restart-group");
    kafka.createTopic(topic, 2);
    Path table = dir.resolve("bronze");
    TestTopics.produceNumbered(kafka, topic, 2, 0, 1_000);
    // The consumer group claims everything was read; the table has no offsets yet, so nothing is skipped.
    Map<TopicPartition, OffsetAndMetadata> end = Map.of(
        new TopicPartition(topic, 0), new OffsetAndMetadata(500),
        new TopicPartition(topic, 1), new OffsetAndMetadata(500));
    kafka.admin().alterConsumerGroupOffsets("grp", end).all().get();

    assertThat(Ingestion.run(Ingestion.config(kafka, topic, table, "grp").build()).records()).isEqualTo(1_000);
    TestTopics.produceNumbered(kafka, topic, 2, 1_000, 1_000);
    assertThat(Ingestion.run(Ingestion.config(kafka, topic, table, "grp").build()).records()).isEqualTo(1_000);
    TableContents.read(table).hasNoDuplicates().hasContiguousOffsets(Map.of(0, 1_000L, 1, 1_000L));
  }
}
