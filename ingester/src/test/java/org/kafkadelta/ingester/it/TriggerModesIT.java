package org.kafkadelta.ingester.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.kafkadelta.ingester.app.Ingester;
import org.kafkadelta.ingester.config.Trigger;
import org.kafkadelta.ingester.metrics.IngestionMetrics;
import org.kafkadelta.testkit.DeltaTableReader;
import org.kafkadelta.testkit.EmbeddedKafka;

@ExtendWith(SharedKafka.class)
class TriggerModesIT {
  private final DeltaTableReader reader = new DeltaTableReader();

  @Test
  void availableNowFinishesWithIdleAndEmptyPartitionsAndStoresTheirOffsets(EmbeddedKafka kafka, @TempDir Path dir) {
    String topic = TestTopics.uniqueName("idle");
    kafka.createTopic(topic, 6);
    // Only partitions 0 and 1 get records; 2..5 stay empty.
    TestTopics.produceNumbered(kafka, topic, 2, 0, 1_000);
    Path table = dir.resolve("bronze");

    IngestionMetrics metrics = Ingestion.run(Ingestion.config(kafka, topic, table, "idle").build());

    assertThat(metrics.records()).isEqualTo(1_000);
    TableContents.read(table).hasNoDuplicates().hasContiguousOffsets(Map.of(0, 500L, 1, 500L));
    for (int p = 0; p < 6; p++) {
      assertThat(reader.domainMetadata(table.toString(), "kafka-delta-ingester/idle/" + topic + "/" + p))
          .contains("{\"nextOffset\":" + (p < 2 ? 500 : 0) + "}");
    }
  }

  @Test
  void availableNowOnAnEmptyTopicExitsWithNothingIngested(EmbeddedKafka kafka, @TempDir Path dir) {
    String topic = TestTopics.uniqueName("empty");
    kafka.createTopic(topic, 3);
    IngestionMetrics metrics = Ingestion.run(Ingestion.config(kafka, topic, dir.resolve("t"), "empty").build());
    assertThat(metrics.records()).isZero();
    assertThat(reader.countRows(dir.resolve("t").toString())).isZero();
  }

  @Test
  void aMissingTopicFailsAtStartNamingIt(EmbeddedKafka kafka, @TempDir Path dir) {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Ingestion.run(Ingestion.config(kafka, "no-such-topic", dir.resolve("t"), "missing").build()))
        .hasMessageContaining("Topic no-such-topic does not exist on " + kafka.bootstrapServers());
  }

  @Test
  void continuousModeCommitsWithinTheCommitInterval(EmbeddedKafka kafka, @TempDir Path dir) throws Exception {
    String topic = TestTopics.uniqueName("continuous");
    kafka.createTopic(topic, 2);
    Path table = dir.resolve("bronze");
    Duration interval = Duration.ofSeconds(2);
    Ingester ingester = Ingester.create(Ingestion.config(kafka, topic, table, "cont")
        .trigger(Trigger.CONTINUOUS).commitInterval(interval).build(), Clock.systemUTC());
    CompletableFuture<IngestionMetrics> run = CompletableFuture.supplyAsync(ingester::run);
    try {
      TestTopics.produceNumbered(kafka, topic, 2, 0, 500);
      long producedAt = System.nanoTime();
      await().atMost(interval.plusSeconds(8)).pollInterval(Duration.ofMillis(100))
          .until(() -> reader.countRows(table.toString()) == 500);
      Duration visibleAfter = Duration.ofNanos(System.nanoTime() - producedAt);
      // The group join can take a moment before the first records arrive; after that one interval at most.
      assertThat(visibleAfter).isLessThan(interval.plusSeconds(5));

      TestTopics.produceNumbered(kafka, topic, 2, 500, 500);
      producedAt = System.nanoTime();
      await().atMost(interval.plusSeconds(3)).pollInterval(Duration.ofMillis(100))
          .until(() -> reader.countRows(table.toString()) == 1_000);
      assertThat(Duration.ofNanos(System.nanoTime() - producedAt)).isLessThan(interval.plusSeconds(2));
      assertThat(run).isNotDone();
    } finally {
      ingester.requestStop();
      run.get();
      ingester.close();
    }
    TableContents.read(table).hasNoDuplicates().hasContiguousOffsets(Map.of(0, 500L, 1, 500L));
  }

  @Test
  void maxRecordsPerCommitSplitsABacklogIntoBoundedCommits(EmbeddedKafka kafka, @TempDir Path dir) {
    String topic = TestTopics.uniqueName("cap");
    kafka.createTopic(topic, 4);
    TestTopics.produceNumbered(kafka, topic, 4, 0, 10_000);
    Path table = dir.resolve("bronze");

    IngestionMetrics metrics = Ingestion.run(Ingestion.config(kafka, topic, table, "cap")
        .maxRecordsPerCommit(2_500).build());

    assertThat(metrics.records()).isEqualTo(10_000);
    assertThat(metrics.commits()).isGreaterThanOrEqualTo(4);
    long last = reader.version(table.toString());
    long previousCount = 0;
    int dataCommits = 0;
    for (long v = 0; v <= last; v++) {
      long count = reader.readRows(reader.snapshot(table.toString(), v)).size();
      assertThat(count - previousCount).as("records added by version %d", v).isLessThanOrEqualTo(2_500);
      if (count > previousCount) {
        dataCommits++;
      }
      previousCount = count;
    }
    assertThat(dataCommits).isGreaterThanOrEqualTo(4);
    TableContents.read(table).hasNoDuplicates()
        .hasContiguousOffsets(Map.of(0, 2_500L, 1, 2_500L, 2, 2_500L, 3, 2_500L));
  }
}
