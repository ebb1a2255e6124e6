package org.kafkadelta.ingester.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.kafkadelta.testkit.DeltaTableReader;
import org.kafkadelta.testkit.EmbeddedKafka;

/**
 * SIGTERM is an orderly stop: the real jar, running continuously with a commit interval far longer than the
 * test, has consumed records it has not committed; on SIGTERM it must stop polling, commit them and exit 0
 * within 10 s. Since the interval never elapsed, the records can only reach the table through that final
 * commit.
 *
 * <p>The test sends SIGTERM once the child's Kafka consumer reports (over JMX) that it has handed over every
 * produced record, so the outcome does not depend on how fast the machine is.
 */
@ExtendWith(SharedKafka.class)
class GracefulShutdownIT {
  private static final int PARTITIONS = 4;
  private static final int RECORDS = 20_000;
  private static final Duration STOP_DEADLINE = Duration.ofSeconds(10);

  @Test
  void sigtermCommitsWhatIsBufferedAndExitsZero(EmbeddedKafka kafka, @TempDir Path dir) throws Exception {
    String topic = TestTopics.uniqueName("sigterm");
    String appId = "sigterm-" + topic.substring(topic.lastIndexOf('-') + 1);
    Path table = dir.resolve("bronze");
    kafka.createTopic(topic, PARTITIONS);

    List<ChildIngester> children = new ArrayList<>();
    ChildIngester.printLogsOnFailure(children, () -> {
      ChildIngester child = ChildIngester.start("sigterm", dir.resolve("logs"), List.of("-Xmx512m"),
          ChildIngester.runArgs(kafka, topic, table, appId,
              "--trigger", "continuous",
              "--commit-interval", "60s"));
      children.add(child);
      child.awaitStderr("Assigned " + PARTITIONS + " partitions", Duration.ofSeconds(60));
      long assignedAfter = child.uptime().toMillis();

      TestTopics.produceNumbered(kafka, topic, PARTITIONS, 0, RECORDS);
      // The records are consumed once the child's consumer has handed all of them over (its JMX metric).
      await("the child consuming all " + RECORDS + " records")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> {
            assertThat(child.isAlive()).as("child is running").isTrue();
            return child.consumerMetric("consumer-fetch-manager-metrics", "records-consumed-total") >= RECORDS;
          });
      long consumedAfter = child.uptime().toMillis();
      DeltaTableReader reader = new DeltaTableReader();
      assertThat(reader.countRows(table.toString())).as("rows committed before SIGTERM (the interval is 60 s)")
          .isZero();
      long versionBeforeStop = reader.version(table.toString());
      long filesBeforeStop = TableContents.parquetFilesOnDisk(table);

      child.terminate();
      int exitCode = child.waitFor(Duration.ofSeconds(30));
      Duration stoppedIn = child.sinceSignal();
      System.out.printf("GracefulShutdownIT: partitions assigned %d ms after start, %d records consumed at %d ms,"
              + " %d data files open on disk; SIGTERM at %d ms; exit code %d %d ms after SIGTERM; stdout: %s",
          assignedAfter, RECORDS, consumedAfter, filesBeforeStop, child.uptime().toMillis() - stoppedIn.toMillis(),
          exitCode, stoppedIn.toMillis(), child.stdout());
      assertThat(exitCode).as("exit code after SIGTERM").isZero();
      assertThat(stoppedIn).as("time from SIGTERM to exit").isLessThan(STOP_DEADLINE);
      assertThat(child.stderr()).as("child log").contains("Stop requested");
      assertThat(child.stdout()).as("summary line").startsWith("Ingested " + RECORDS + " records ");

      Map<Integer, Long> expected = new TreeMap<>();
      for (int p = 0; p < PARTITIONS; p++) {
        expected.put(p, (long) (RECORDS / PARTITIONS));
      }
      TableContents contents = TableContents.read(table).hasNoDuplicates().hasContiguousOffsets(expected);
      assertThat(contents.rows).as("rows in the table after SIGTERM").hasSize(RECORDS);
      assertThat(reader.version(table.toString())).as("table version: one commit, made on SIGTERM")
          .isEqualTo(versionBeforeStop + 1);
      for (int p = 0; p < PARTITIONS; p++) {
        assertThat(reader.domainMetadata(table.toString(), "kafka-delta-ingester/" + appId + "/" + topic + "/" + p))
            .as("stored offset of partition %d", p).contains("{\"nextOffset\":" + RECORDS / PARTITIONS + "}");
      }
    });
  }

}
