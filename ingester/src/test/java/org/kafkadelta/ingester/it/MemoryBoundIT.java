package org.kafkadelta.ingester.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.kernel.Snapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.kafkadelta.testkit.DeltaTableReader;
import org.kafkadelta.testkit.EmbeddedKafka;
import org.kafkadelta.testkit.GcLogSummary;

/**
 * Many partitions in a small heap: {@value #PARTITIONS} partitions holding about 300 MB of 1 KB records (more
 * than half the heap) are ingested by the real jar under {@code -Xmx512m} with the default 128 MB target file
 * size, in one available-now run. Every partition has a file open the whole run and none fills up, so the
 * writers' buffers, not the file size, must be what bounds the heap. The run must finish without an
 * OutOfMemoryError ({@code -XX:+ExitOnOutOfMemoryError} turns one into exit code 3) and store every record
 * exactly once.
 *
 * <p>Values are incompressible (random characters), so Parquet's compressed pages are as large as the data.
 * The child's GC log is parsed to print the heap it actually used. The test does catch an unbounded writer:
 * the same run with {@code --writer-memory 2GB} (so that each of the 64 files may buffer 32 MB) dies with
 * OutOfMemoryError.
 */
@ExtendWith(SharedKafka.class)
class MemoryBoundIT {
  private static final int PARTITIONS = 64;
  private static final int RECORDS_PER_PARTITION = 4_700;
  private static final int RECORDS = PARTITIONS * RECORDS_PER_PARTITION;
  private static final int PAYLOAD_CHARS = 1_000;
  private static final long VALUE_SEED = 0x5EED_0F_64L;
  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();

  @Test
  void sixtyFourPartitionsFitInA512MegabyteHeap(EmbeddedKafka kafka, @TempDir Path dir) throws Exception {
    String topic = TestTopics.uniqueName("memory");
    String appId = "memory-" + topic.substring(topic.lastIndexOf('-') + 1);
    Path table = dir.resolve("bronze");
    Path logs = dir.resolve("logs");
    Path gcLog = logs.resolve("child-gc.log");
    Files.createDirectories(logs);
    kafka.createTopic(topic, PARTITIONS);

    long produceStart = System.nanoTime();
    long producedBytes = produce(kafka, topic);
    long produceMillis = millisSince(produceStart);
    System.out.printf("MemoryBoundIT: produced %d records (%d MB of values) over %d partitions in %d ms%n",
        RECORDS, producedBytes >> 20, PARTITIONS, produceMillis);

    List<ChildIngester> children = new ArrayList<>();
    ChildIngester.printLogsOnFailure(children, () -> {
      long runStart = System.nanoTime();
      ChildIngester child = ChildIngester.start("memory-bound", logs,
          List.of("-Xmx512m", "-XX:+ExitOnOutOfMemoryError", "-Xlog:gc:file=" + gcLog),
          ChildIngester.runArgs(kafka, topic, table, appId, "--trigger", "available-now"));
      children.add(child);
      int exitCode = child.waitFor(Duration.ofSeconds(150));
      long runMillis = millisSince(runStart);
      String stdout = child.stdout();
      String stderr = child.stderr();
      assertThat(stdout + stderr).as("child output").doesNotContain("OutOfMemoryError");
      assertThat(exitCode).as("exit code of the -Xmx512m run (3 = OutOfMemoryError)").isZero();
      assertThat(stdout).as("summary line").startsWith("Ingested " + RECORDS + " records ");
      GcLogSummary gc = GcLogSummary.parse(gcLog);
      System.out.printf("MemoryBoundIT: child exit 0 in %d ms; %s; stdout: %s", runMillis, gc, stdout);
      System.out.println("MemoryBoundIT: " + firstLineContaining(stderr, "Ingesting "));

      long verifyStart = System.nanoTime();
      verifyTable(table, topic, appId);
      System.out.printf("MemoryBoundIT: table verified (%d rows, exactly once, values intact) in %d ms%n", RECORDS,
          millisSince(verifyStart));
    });
  }


  /** Sends record i to partition i % PARTITIONS (so partition p holds offsets 0..RECORDS_PER_PARTITION-1). */
  private static long produce(EmbeddedKafka kafka, String topic) throws Exception {
    Map<String, Object> config = kafka.producerConfig();
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none"); // the values are incompressible anyway
    config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L << 20);
    // One request at a time: a retried first batch can then never be overtaken (KAFKA-14359; EmbeddedKafka.createTopic waits for serving leaders).
    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    AtomicReference<Exception> failure = new AtomicReference<>();
    AtomicLong acknowledged = new AtomicLong();
    long bytes = 0;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
      for (int i = 0; i < RECORDS && failure.get() == null; i++) {
        byte[] value = valueOf(i);
        bytes += value.length;
        producer.send(new ProducerRecord<>(topic, i % PARTITIONS, ("k-" + i).getBytes(StandardCharsets.UTF_8),
            value), (metadata, e) -> {
              if (e != null) {
                failure.compareAndSet(null, e);
              } else {
                acknowledged.incrementAndGet();
              }
            });
      }
      producer.flush();
    }
    if (failure.get() != null || acknowledged.get() != RECORDS) {
      throw new IllegalStateException("Only " + acknowledged.get() + " of " + RECORDS + " records were"
          + " acknowledged by " + topic, failure.get());
    }
    return bytes;
  }

  /** About 1 KB of JSON whose payload is random characters, a pure function of {@code i}. */
  static byte[] valueOf(int i) {
    SplittableRandom random = new SplittableRandom(VALUE_SEED ^ (i * 0x9E3779B97F4A7C15L));
    StringBuilder json = new StringBuilder(PAYLOAD_CHARS + 40);
    json.append("{\"i\":").append(i).append(",\"p\":").append(i % PARTITIONS).append(",\"payload\":\"");
    for (int c = 0; c < PAYLOAD_CHARS; c += 10) {
      long bits = random.nextLong();
      for (int k = 0; k < 10 && c + k < PAYLOAD_CHARS; k++) {
        json.append(ALPHABET[(int) (bits & 63)]);
        bits >>>= 6;
      }
    }
    return json.append("\"}").toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Streams the table through Delta Kernel (holding no rows) and checks that every partition holds offsets
   * 0..RECORDS_PER_PARTITION-1 exactly once, with the key and value that were produced there, and that the
   * stored next offsets match.
   */
  private static void verifyTable(Path table, String topic, String appId) {
    BitSet[] seen = new BitSet[PARTITIONS];
    for (int p = 0; p < PARTITIONS; p++) {
      seen[p] = new BitSet(RECORDS_PER_PARTITION);
    }
    long[] rows = {0};
    List<String> problems = new ArrayList<>();
    DeltaTableReader reader = new DeltaTableReader();
    reader.forEachRow(table.toString(), row -> {
      rows[0]++;
      int partition = (Integer) row.get("partition");
      long offset = (Long) row.get("offset");
      if (partition < 0 || partition >= PARTITIONS || offset < 0 || offset >= RECORDS_PER_PARTITION) {
        addProblem(problems, "unexpected row " + partition + "/" + offset);
        return;
      }
      if (seen[partition].get((int) offset)) {
        addProblem(problems, "duplicate row " + partition + "/" + offset);
      }
      seen[partition].set((int) offset);
      int i = (int) (offset * PARTITIONS + partition);
      if (!("k-" + i).equals(row.get("key")) || !topic.equals(row.get("topic"))
          || !new String(valueOf(i), StandardCharsets.UTF_8).equals(row.get("raw_json"))) {
        addProblem(problems, "row " + partition + "/" + offset + " does not hold record " + i);
      }
    });
    assertThat(problems).as("problems found in the table").isEmpty();
    for (int p = 0; p < PARTITIONS; p++) {
      assertThat(seen[p].cardinality()).as("distinct offsets of partition %d", p).isEqualTo(RECORDS_PER_PARTITION);
    }
    assertThat(rows[0]).as("rows in the table").isEqualTo(RECORDS);
    Pattern nextOffset = Pattern.compile("\"nextOffset\"\\s*:\\s*(\\d+)");
    Snapshot snapshot = reader.snapshot(table.toString());
    for (int p = 0; p < PARTITIONS; p++) {
      Optional<String> stored = snapshot.getDomainMetadata("kafka-delta-ingester/" + appId + "/" + topic + "/" + p);
      assertThat(stored).as("offset domain of partition %d", p).isPresent();
      Matcher m = nextOffset.matcher(stored.get());
      assertThat(m.find() ? Long.parseLong(m.group(1)) : -1).as("stored next offset of partition %d", p)
          .isEqualTo(RECORDS_PER_PARTITION);
    }
  }

  private static void addProblem(List<String> problems, String problem) {
    if (problems.size() < 20) {
      problems.add(problem);
    }
  }

  private static String firstLineContaining(String text, String needle) {
    return text.lines().filter(l -> l.contains(needle)).findFirst().orElse("(no line with '" + needle + "')");
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
