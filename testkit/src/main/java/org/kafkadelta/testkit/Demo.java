package org.kafkadelta.testkit;

import io.delta.kernel.Snapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * End-to-end demo: a real Kafka broker in this JVM, 100,000 IoT events on a 4-partition topic, one
 * {@code --trigger available-now} run of the ingester's fat jar as a child process, and the resulting Delta
 * table read back through Delta Kernel.
 *
 * <p>Run from the repository root after building both modules:
 * <pre>{@code java -jar testkit/target/testkit-demo.jar}</pre>
 *
 * <p>System properties: {@code demo.ingesterJar} (default {@value #DEFAULT_INGESTER_JAR}) and {@code
 * demo.table} (default {@value #DEFAULT_TABLE}; deleted first if present), both relative to the working
 * directory. Exits 0 when the table holds exactly the produced events, 1 otherwise.
 */
public final class Demo {
  static final String DEFAULT_INGESTER_JAR = "ingester/target/kafka-delta-ingester.jar";
  static final String DEFAULT_TABLE = "demo-data/iot-events";
  private static final String TOPIC = "iot-events";
  private static final int PARTITIONS = 4;
  private static final long EVENTS = 100_000;
  private static final long SEED = 42;
  private static final String APP_ID = "demo";
  private static final int SAMPLE_ROWS = 5;
  private static final int SAMPLE_JSON_CHARS = 80;

  private Demo() {}

  public static void main(String[] args) {
    // The shaded jar has no logback.xml (it would leak onto other modules' classpaths), and Logback's
    // unconfigured default is DEBUG for everything. Kernel warns on every snapshot of a table that has no
    // checkpoint yet, which a fresh demo table never has.
    LogLevels.setRootLevel("INFO");
    LogLevels.setUnlessConfigured("ERROR", "io.delta.kernel.internal.snapshot.SnapshotManager");
    Path ingesterJar = Path.of(System.getProperty("demo.ingesterJar", DEFAULT_INGESTER_JAR)).toAbsolutePath();
    Path table = Path.of(System.getProperty("demo.table", DEFAULT_TABLE)).toAbsolutePath();
    int exitCode = 1;
    try {
      run(ingesterJar, table);
      System.out.println("Demo finished.");
      exitCode = 0;
    } catch (DemoFailure e) {
      System.err.println("Demo FAILED: " + e.getMessage());
    } catch (Exception e) {
      System.err.println("Demo FAILED with an unexpected error:");
      e.printStackTrace();
    }
    // Exit explicitly: a lingering non-daemon library thread must not keep the demo alive.
    System.exit(exitCode);
  }

  private static void run(Path ingesterJar, Path table) throws IOException, InterruptedException {
    if (!Files.isRegularFile(ingesterJar)) {
      throw new DemoFailure("the ingester jar was not found at " + ingesterJar + ". Build it with"
          + " `mvn -pl ingester -am package`, or point -Ddemo.ingesterJar=<path> at it.");
    }
    // try-with-resources, so that a failure still stops the broker and deletes its directory.
    try (EmbeddedKafka kafka = startBroker()) {
      produceEvents(kafka);
      prepareTableDirectory(table);
      runIngester(ingesterJar, kafka.bootstrapServers(), table);
      long rows = readBack(table);
      section("5/5 Stopping the broker");
      if (rows != EVENTS) {
        throw new DemoFailure("the table holds " + rows + " rows, but " + EVENTS + " events were produced");
      }
    }
  }

  private static EmbeddedKafka startBroker() {
    section("1/5 Starting an embedded Kafka broker (KRaft, 1 node)");
    EmbeddedKafka kafka = EmbeddedKafka.start();
    System.out.printf("Broker ready at %s in %.1f s%n", kafka.bootstrapServers(),
        kafka.startupDuration().toMillis() / 1000.0);
    return kafka;
  }

  private static void produceEvents(EmbeddedKafka kafka) {
    section("2/5 Producing " + EVENTS + " IoT events to topic " + TOPIC + " (" + PARTITIONS + " partitions)");
    kafka.createTopic(TOPIC, PARTITIONS);
    long start = System.nanoTime();
    long sent = new IotEvents(SEED).produce(kafka.bootstrapServers(), TOPIC, EVENTS);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("Produced %d events (acks=all, lz4) in %.2f s (%.0f events/s)%n", sent, seconds, sent / seconds);
  }

  private static void prepareTableDirectory(Path table) {
    try {
      if (Files.exists(table)) {
        System.out.println("Deleting the previous demo table " + table);
        Directories.deleteRecursively(table);
      }
      Files.createDirectories(table.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare the demo table directory " + table, e);
    }
  }

  private static void runIngester(Path ingesterJar, String bootstrapServers, Path table)
      throws IOException, InterruptedException {
    section("3/5 Running the ingester (trigger available-now)");
    List<String> command = List.of(javaExecutable(), "-jar", ingesterJar.toString(), "run",
        "--bootstrap-servers", bootstrapServers, "--topic", TOPIC, "--table", table.toString(),
        "--app-id", APP_ID, "--trigger", "available-now");
    System.out.println("$ " + String.join(" ", command));
    long start = System.nanoTime();
    // Inherit stdout/stderr so the ingester's own summary line appears as it prints it.
    Process ingester = new ProcessBuilder(command).inheritIO().start();
    int exitCode = ingester.waitFor();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    if (exitCode != 0) {
      throw new DemoFailure("the ingester exited with code " + exitCode + " after " + took.toMillis()
          + " ms (command: " + String.join(" ", command) + ")");
    }
    System.out.printf("Ingester finished in %.1f s (exit code 0)%n", took.toMillis() / 1000.0);
  }

  /** Prints the table's version, counts and sample rows; returns its row count. */
  private static long readBack(Path table) {
    section("4/5 Reading the Delta table back with Delta Kernel");
    DeltaTableReader reader = new DeltaTableReader();
    // One snapshot for every figure, so they all describe the same table version.
    Snapshot snapshot = reader.snapshot(table.toString());
    Map<String, Long> perKafkaPartition = new TreeMap<>();
    Map<String, Long> perIngestionDate = new TreeMap<>();
    List<Map<String, Object>> samples = new ArrayList<>();
    long[] rows = {0};
    reader.forEachRow(snapshot, row -> {
      rows[0]++;
      perKafkaPartition.merge(String.valueOf(row.get("partition")), 1L, Long::sum);
      perIngestionDate.merge(String.valueOf(row.get("ingestion_date")), 1L, Long::sum);
      if (samples.size() < SAMPLE_ROWS) {
        samples.add(row);
      }
    });
    System.out.println("Table:              " + table);
    System.out.println("Version:            " + snapshot.getVersion());
    System.out.println("Partition columns:  " + snapshot.getPartitionColumnNames());
    System.out.println("Rows:               " + rows[0] + " (produced " + EVENTS + ")");
    System.out.println("Rows per Kafka partition: " + perKafkaPartition);
    System.out.println("Rows per ingestion_date:  " + perIngestionDate);
    System.out.println("Sample rows:");
    for (Map<String, Object> row : samples) {
      System.out.printf("  key=%s partition=%s offset=%s event_enqueued_timestamp=%s ingestion_date=%s%n"
              + "    raw_json=%s%n", row.get("key"), row.get("partition"), row.get("offset"),
          row.get("event_enqueued_timestamp"), row.get("ingestion_date"), truncate(row.get("raw_json")));
    }
    return rows[0];
  }

  private static String truncate(Object text) {
    String s = String.valueOf(text);
    return s.length() <= SAMPLE_JSON_CHARS ? s : s.substring(0, SAMPLE_JSON_CHARS) + "...";
  }

  /** The java binary running this JVM, so the child runs on the same Java version. */
  private static String javaExecutable() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  private static void section(String title) {
    System.out.println();
    System.out.println("=== " + title + " ===");
  }

  /** A failure the demo explains in one line, without a stack trace. */
  private static final class DemoFailure extends RuntimeException {
    DemoFailure(String message) {
      super(message);
    }
  }
}
