package org.kafkadelta.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.kafkadelta.testkit.Directories;
import org.kafkadelta.testkit.DeltaTableReader;
import org.kafkadelta.testkit.EmbeddedKafka;
import org.kafkadelta.testkit.IotEvents;

/**
 * End-to-end throughput of the ingester against the raw-consume ceiling measured in the same run, on the
 * same broker and topic.
 *
 * <ol>
 *   <li>Starts a real embedded KRaft broker (with Kafka's default 3 s initial rebalance delay) and produces
 *       N IoT JSON events (~200 B, lz4) over P partitions.
 *   <li>Ceiling: plain KafkaConsumers read the whole topic and write nothing (1 and 2 threads, in this JVM,
 *       each measured twice, best kept; and 1 thread in a fresh child JVM, timed from start to exit like the
 *       ingester).
 *   <li>Ingester: the real fat jar as a child process, {@code run --trigger available-now}, timed from
 *       process start to exit (JVM start-up included); then the table is checked to hold exactly N rows.
 *   <li>Start-up: the fat jar on a fresh topic with a 1,000-record backlog: start to the first commit (the
 *       timestamp of its log line) and start to exit.
 *   <li>Tuned JVM ({@code tuned=true}, the default): the same fresh-JVM ceiling, ingester and start-up runs
 *       again with an application class-data-sharing archive (AppCDS, made by a training run of each program
 *       on a small topic) and {@code -XX:+UseParallelGC} — the deployment options the README recommends — so
 *       that both sides of the ratio get the same JVM.
 * </ol>
 *
 * <p>Run (after {@code mvn -B package -DskipTests}):
 * {@code java -cp benchmarks/target/benchmarks.jar org.kafkadelta.benchmarks.EndToEndBenchmark
 * [records=2000000] [partitions=8] [jvmOpts="-Xmx1g"] [jar=ingester/target/kafka-delta-ingester.jar] [keep=false]
 * [tuned=true]}
 */
public final class EndToEndBenchmark {
  private EndToEndBenchmark() {}

  public static void main(String[] args) throws Exception {
    Settings s = Settings.parse(args);
    Path work = Files.createTempDirectory("e2e-bench");
    System.out.printf(Locale.ROOT, "Machine: %d cores, %d MiB max heap here, %s %s%n",
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
        System.getProperty("java.vm.name"), System.getProperty("java.version"));
    // The broker's own default for the first join of an empty group (the test kit sets 0 for speed): what a
    // scheduled available-now run meets on a real cluster.
    try (EmbeddedKafka kafka = EmbeddedKafka.start(Map.of("group.initial.rebalance.delay.ms", "3000"))) {
      String topic = "bench-" + s.records;
      kafka.createTopic(topic, s.partitions);
      long t0 = System.nanoTime();
      new IotEvents(42).produce(kafka.bootstrapServers(), topic, s.records);
      System.out.printf(Locale.ROOT, "Produced %,d records over %d partitions (lz4) in %.1f s%n", s.records,
          s.partitions, (System.nanoTime() - t0) / 1e9);

      RawConsume.Result ceiling1 = best(kafka, topic, s, 1);
      RawConsume.Result ceiling2 = best(kafka, topic, s, 2);
      print("ceiling, 1 consumer thread", ceiling1);
      print("ceiling, 2 consumer threads", ceiling2);
      double coldSeconds = ChildRun.rawConsume(List.of(), kafka.bootstrapServers(), topic, s.partitions(), 1);
      double cold1 = s.records / coldSeconds;
      System.out.printf(Locale.ROOT, "ceiling, 1 consumer thread in a fresh JVM (JVM start included): %.2f s,"
          + " %,.0f records/s%n", coldSeconds, cold1);

      Path table = work.resolve("table");
      ChildRun run = ChildRun.ingest(s.jar(), s.jvmOpts(), kafka.bootstrapServers(), topic, table,
          work.resolve("ingester.log"));
      long rows = new DeltaTableReader().countRows(table.toString());
      double perSecond = s.records / run.seconds();
      System.out.printf(Locale.ROOT,
          "ingester (fat jar, available-now, JVM start included): %.2f s, %,.0f records/s, %.1f MB/s; exit %d;"
              + " table rows %,d (%s)%n",
          run.seconds(), perSecond, ceiling1.bytes() / (1024.0 * 1024.0) / run.seconds(), run.exitCode(), rows,
          rows == s.records ? "exactly N" : "MISMATCH");
      System.out.println("  ingester said: " + run.stdout().strip());
      System.out.printf(Locale.ROOT, "RATIO ingester / 1-thread ceiling = %.2f ; / 2-thread ceiling = %.2f ;"
          + " / 1-thread ceiling in a fresh JVM = %.2f%n",
          perSecond / ceiling1.recordsPerSecond(), perSecond / ceiling2.recordsPerSecond(), perSecond / cold1);

      String small = "bench-startup";
      kafka.createTopic(small, s.partitions);
      new IotEvents(7).produce(kafka.bootstrapServers(), small, 1_000);
      ChildRun startup = ChildRun.ingest(s.jar(), s.jvmOpts(), kafka.bootstrapServers(), small,
          work.resolve("small"), work.resolve("startup.log"));
      System.out.printf(Locale.ROOT, "1,000-record backlog: start to first commit %.2f s, start to exit %.2f s"
          + " (exit %d)%n", startup.firstCommitSeconds(), startup.seconds(), startup.exitCode());
      boolean ok = rows == s.records && run.exitCode() == 0 && startup.exitCode() == 0;
      if (s.tuned()) {
        ok &= tunedJvm(s, kafka, topic, small, work);
      }
      if (!ok) {
        System.out.println("FAILED: see " + work);
        System.exit(1);
      }
    }
    if (s.keep()) {
      System.out.println("Kept tables and ingester logs in " + work);
    } else {
      deleteRecursively(work);
    }
  }

  /**
   * The fresh-JVM ceiling, the ingester and the start-up again, each program with its own AppCDS archive
   * (dumped at the exit of a training run on a small topic) and the parallel collector.
   */
  private static boolean tunedJvm(Settings s, EmbeddedKafka kafka, String topic, String smallTopic, Path work)
      throws Exception {
    String training = "bench-training";
    kafka.createTopic(training, s.partitions);
    new IotEvents(11).produce(kafka.bootstrapServers(), training, 1_000);
    Path ingesterArchive = work.resolve("ingester.jsa");
    Path rawArchive = work.resolve("raw-consume.jsa");
    ChildRun trainingRun = ChildRun.ingest(s.jar(), with(s.jvmOpts(), "-XX:ArchiveClassesAtExit=" + ingesterArchive),
        kafka.bootstrapServers(), training, work.resolve("training"), work.resolve("training.log"));
    if (trainingRun.exitCode() != 0 || !Files.isRegularFile(ingesterArchive)) {
      // Without its archive the "tuned" ingester would silently run untuned.
      throw new IllegalStateException("The AppCDS training run failed (exit " + trainingRun.exitCode()
          + ", archive " + ingesterArchive + (Files.isRegularFile(ingesterArchive) ? "" : " missing") + "): see "
          + work.resolve("training.log"));
    }
    ChildRun.rawConsume(List.of("-XX:ArchiveClassesAtExit=" + rawArchive), kafka.bootstrapServers(), training,
        s.partitions(), 1);
    if (!Files.isRegularFile(rawArchive)) {
      throw new IllegalStateException("The raw consumer's AppCDS training run left no archive at " + rawArchive);
    }
    List<String> tuning = List.of("-XX:+UseParallelGC");
    double coldSeconds = ChildRun.rawConsume(with(tuning, "-XX:SharedArchiveFile=" + rawArchive),
        kafka.bootstrapServers(), topic, s.partitions(), 1);
    double cold1 = s.records / coldSeconds;
    System.out.printf(Locale.ROOT, "TUNED JVM (AppCDS archive + %s), same broker and topic:%n", tuning);
    System.out.printf(Locale.ROOT, "  ceiling, 1 consumer thread in a fresh JVM: %.2f s, %,.0f records/s%n",
        coldSeconds, cold1);
    List<String> ingesterOpts = new ArrayList<>(s.jvmOpts());
    ingesterOpts.addAll(tuning);
    ingesterOpts.add("-XX:SharedArchiveFile=" + ingesterArchive);
    Path table = work.resolve("table-tuned");
    ChildRun run = ChildRun.ingest(s.jar(), ingesterOpts, kafka.bootstrapServers(), topic, table,
        work.resolve("ingester-tuned.log"));
    long rows = new DeltaTableReader().countRows(table.toString());
    double perSecond = s.records / run.seconds();
    System.out.printf(Locale.ROOT, "  ingester: %.2f s, %,.0f records/s; exit %d; table rows %,d (%s)%n",
        run.seconds(), perSecond, run.exitCode(), rows, rows == s.records ? "exactly N" : "MISMATCH");
    System.out.printf(Locale.ROOT, "  RATIO tuned ingester / tuned 1-thread ceiling in a fresh JVM = %.2f%n",
        perSecond / cold1);
    ChildRun startup = ChildRun.ingest(s.jar(), ingesterOpts, kafka.bootstrapServers(), smallTopic,
        work.resolve("small-tuned"), work.resolve("startup-tuned.log"));
    System.out.printf(Locale.ROOT, "  1,000-record backlog: start to first commit %.2f s, start to exit %.2f s"
        + " (exit %d)%n", startup.firstCommitSeconds(), startup.seconds(), startup.exitCode());
    return rows == s.records && run.exitCode() == 0 && startup.exitCode() == 0;
  }

  private static List<String> with(List<String> options, String option) {
    List<String> out = new ArrayList<>(options);
    out.add(option);
    return out;
  }

  private static RawConsume.Result best(EmbeddedKafka kafka, String topic, Settings s, int threads) throws Exception {
    List<RawConsume.Result> results = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      results.add(RawConsume.readAll(kafka.bootstrapServers(), topic, s.partitions, threads));
    }
    RawConsume.Result best = results.stream().max(Comparator.comparingDouble(RawConsume.Result::recordsPerSecond))
        .orElseThrow();
    if (best.records() != s.records) {
      throw new IllegalStateException("Ceiling read " + best.records() + " records, expected " + s.records);
    }
    return best;
  }

  private static void print(String what, RawConsume.Result r) {
    System.out.printf(Locale.ROOT, "%s: %.2f s, %,.0f records/s, %.1f MB/s%n", what,
        r.elapsed().toNanos() / 1e9, r.recordsPerSecond(), r.megabytesPerSecond());
  }

  private static void deleteRecursively(Path dir) throws IOException {
    Directories.deleteRecursively(dir);
  }

  /** Command-line settings as key=value pairs. */
  record Settings(long records, int partitions, List<String> jvmOpts, Path jar, boolean keep, boolean tuned) {
    static Settings parse(String[] args) {
      long records = 2_000_000;
      int partitions = 8;
      List<String> jvmOpts = List.of();
      Path jar = Path.of("ingester/target/kafka-delta-ingester.jar");
      boolean keep = false;
      boolean tuned = true;
      for (String[] kv : KeyValueArgs.pairs(args, "records, partitions, jvmOpts, jar, keep, tuned")) {
        switch (kv[0]) {
          case "records" -> records = Long.parseLong(kv[1].replace("_", ""));
          case "partitions" -> partitions = Integer.parseInt(kv[1]);
          case "jvmOpts" -> jvmOpts = KeyValueArgs.words(kv[1]);
          case "jar" -> jar = Path.of(kv[1]);
          case "keep" -> keep = Boolean.parseBoolean(kv[1]);
          case "tuned" -> tuned = Boolean.parseBoolean(kv[1]);
        }
      }
      if (!Files.isRegularFile(jar)) {
        throw new IllegalArgumentException("Ingester jar " + jar.toAbsolutePath() + " not found: run"
            + " 'mvn -B package -DskipTests' first, or pass jar=PATH");
      }
      return new Settings(records, partitions, jvmOpts, jar, keep, tuned);
    }
  }

  /**
   * One run of the fat jar as a child process, timed from start to exit, and from start to the first
   * commit its log reports (NaN if none).
   */
  record ChildRun(double seconds, double firstCommitSeconds, int exitCode, String stdout) {
    /** The raw-consume ceiling as a child JVM on this benchmark's own jar, timed from start to exit. */
    static double rawConsume(List<String> jvmOpts, String bootstrap, String topic, int partitions, int threads)
        throws Exception {
      String classpath = Path.of(RawConsume.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
      List<String> cmd = new ArrayList<>();
      cmd.add(ProcessHandle.current().info().command().orElse("java"));
      cmd.addAll(jvmOpts);
      cmd.addAll(List.of("-cp", classpath, RawConsume.class.getName(), bootstrap, topic,
          Integer.toString(partitions), Integer.toString(threads)));
      long start = System.nanoTime();
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      if (p.waitFor() != 0) {
        throw new IllegalStateException("Raw consume child failed with exit code " + p.exitValue());
      }
      return (System.nanoTime() - start) / 1e9;
    }

    static ChildRun ingest(Path jar, List<String> jvmOpts, String bootstrap, String topic, Path table, Path log)
        throws IOException, InterruptedException {
      List<String> cmd = new ArrayList<>();
      cmd.add(ProcessHandle.current().info().command().orElse("java"));
      cmd.addAll(jvmOpts);
      cmd.addAll(List.of("-jar", jar.toString(), "run", "--bootstrap-servers", bootstrap, "--topic", topic,
          "--table", table.toString(), "--app-id", "bench", "--trigger", "available-now"));
      Path out = Files.createTempFile("ingester-stdout", ".txt");
      Instant launched = Instant.now();
      long start = System.nanoTime();
      Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).redirectOutput(out.toFile()).start();
      int code = p.waitFor();
      double seconds = (System.nanoTime() - start) / 1e9;
      String stdout = Files.readString(out);
      Files.delete(out);
      return new ChildRun(seconds, secondsToFirstCommit(launched, log), code, stdout);
    }

    /** From the launch to the timestamp of the log's first "Committed version" line. */
    private static double secondsToFirstCommit(Instant launched, Path log) throws IOException {
      try (Stream<String> lines = Files.lines(log)) {
        return lines.filter(l -> l.contains(" - Committed version ")).findFirst()
            .map(l -> Instant.parse(l.substring(0, l.indexOf(' '))))
            .map(committed -> Duration.between(launched, committed).toMillis() / 1e3)
            .orElse(Double.NaN);
      }
    }
  }

}
