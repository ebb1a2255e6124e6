package org.kafkadelta.ingester.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.kafkadelta.ingester.config.Trigger;
import org.kafkadelta.ingester.metrics.IngestionMetrics;
import org.kafkadelta.ingester.source.DataLossException;
import org.kafkadelta.testkit.DeltaTableReader;
import org.kafkadelta.testkit.EmbeddedKafka;

/** Retention is simulated with the admin client's deleteRecords, which moves the log start offset. */
@ExtendWith(SharedKafka.class)
class DataLossIT {
  @Test
  void failOnDataLossStopsAndNamesTheMissingRange(EmbeddedKafka kafka, @TempDir Path dir) throws Exception {
    String topic = TestTopics.uniqueName("loss-fail");
    Path table = dir.resolve("bronze");
    ingestThenLoseOffsets500To799(kafka, topic, table, "loss-fail");
    long version = new DeltaTableReader().version(table.toString());

    assertThatThrownBy(() -> Ingestion.run(Ingestion.config(kafka, topic, table, "loss-fail").build()))
        .isInstanceOf(DataLossException.class)
        .hasMessageContaining(topic + "-0")
        .hasMessageContaining("500..799")
        .hasMessageContaining("--fail-on-data-loss false");
    // Continuous mode fails the same way instead of skipping silently.
    assertThatThrownBy(() -> Ingestion.run(Ingestion.config(kafka, topic, table, "loss-fail")
        .trigger(Trigger.CONTINUOUS).build()))
        .isInstanceOf(DataLossException.class)
        .hasMessageContaining("500..799");
    assertThat(new DeltaTableReader().version(table.toString())).as("nothing committed").isEqualTo(version);
  }

  @Test
  void withoutFailOnDataLossTheGapIsSkippedAndRecordedInTheCommit(EmbeddedKafka kafka, @TempDir Path dir)
      throws Exception {
    String topic = TestTopics.uniqueName("loss-skip");
    Path table = dir.resolve("bronze");
    ingestThenLoseOffsets500To799(kafka, topic, table, "loss-skip");

    IngestionMetrics metrics = Ingestion.run(Ingestion.config(kafka, topic, table, "loss-skip")
        .failOnDataLoss(false).build());

    assertThat(metrics.records()).isEqualTo(200);
    assertThat(metrics.skippedOffsets()).isEqualTo(300);
    TableContents contents = TableContents.read(table).hasNoDuplicates();
    assertThat(contents.rows).hasSize(700);
    assertThat(contents.rows).extracting(r -> (Long) r.get("offset"))
        .allMatch(o -> o < 500 || (o >= 800 && o < 1_000));
    assertThat(new DeltaTableReader().domainMetadata(table.toString(), "kafka-delta-ingester/loss-skip/" + topic + "/0"))
        .contains("{\"nextOffset\":1000,\"skipped\":{\"firstOffset\":500,\"lastOffset\":799}}");
  }

  private static void ingestThenLoseOffsets500To799(EmbeddedKafka kafka, String topic, Path table, String appId)
      throws Exception {
    kafka.createTopic(topic, 1);
    TestTopics.produceNumbered(kafka, topic, 1, 0, 500);
    assertThat(Ingestion.run(Ingestion.config(kafka, topic, table, appId).build()).records()).isEqualTo(500);
    TestTopics.produceNumbered(kafka, topic, 1, 500, 500);
    kafka.admin().deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(800)))
        .all().get();
  }
}
