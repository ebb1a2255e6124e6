package org.kafkadelta.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.kafkadelta.testkit.EmbeddedKafka;
import org.kafkadelta.testkit.IotEvents;

/**
 * Commit latency of the ingester in continuous mode under a steady load: for every record, the time from its
 * Kafka record timestamp (producer CreateTime, which the table stores as {@code event_enqueued_timestamp}) to
 * the moment the Delta commit holding it became visible.
 *
 * <ol>
 *   <li>Starts a real embedded KRaft broker and a topic (8 partitions by default).
 *   <li>Starts the real fat jar as a child process: {@code run --trigger continuous --commit-interval 5s}.
 *   <li>Once the child has logged its partition assignment (JVM started, table opened, group joined;
 *       {@code waitForReady=false} starts at once instead), starts a paced producer: IoT JSON events (~200 B,
 *       keyed by device), every 10 ms the number of records that brings the total to {@code rate * elapsed}
 *       (20,000 records/s: 200 per slice), for {@code seconds} (60 by default). The achieved rate and the worst
 *       lag behind the schedule are printed.
 *   <li>Stops producing, waits until the table's commits hold every record produced, then SIGTERMs the child
 *       ({@link Process#destroy()}) and waits for it to exit (expected exit code 0).
 *   <li>Reads {@code _delta_log/N.json} of every version once for its commit time and its {@code add} files, and
 *       each data file once (columns partition, offset, event_enqueued_timestamp, ingestion_timestamp only), so
 *       the analysis is linear in the table size.
 * </ol>
 *
 * <p>Commit time = modification time of {@code _delta_log/N.json}. The log store writes that file to a temporary
 * name and renames it into place, so its mtime is within a rename of the moment readers can see the version;
 * the commitInfo {@code timestamp} inside it is taken earlier, when Kernel builds the commit's actions, and is
 * only a lower bound. The benchmark prints how far apart the two are. Both clocks (producer, file system) are this
 * machine's.
 *
 * <p>Warm-up: the first {@code warmupCommits} commits that hold data (1 by default) are excluded from the
 * percentiles. The load starts only once the ingester is assigned, so JVM start is not in them, but the first
 * commit comes at an arbitrary point of the first interval (its timer starts when the ingester is built) and runs
 * on a cold JIT; with {@code waitForReady=false} it also holds everything produced during JVM start, table
 * creation and the group join. So is every commit made after the producer stopped (the
 * drain): its window is cut short, so it lacks the low latencies of records produced just before a commit and
 * would bias the percentiles up. Both are reported separately, and every commit is listed.
 *
 * <p>Run (after {@code mvn -B package -DskipTests}), from the repository root:
 * {@code java -cp benchmarks/target/benchmarks.jar org.kafkadelta.benchmarks.LatencyBenchmark
 * [seconds=60] [rate=20000] [partitions=8] [commitInterval=5s] [sliceMillis=10] [warmupCommits=1]
 * [waitForReady=true] [jvmOpts="..."] [ingesterArgs="..."] [jar=ingester/target/kafka-delta-ingester.jar] [keep=false]}
 * ({@code jvmOpts} go to the child JVM, {@code ingesterArgs} to its {@code run} command.)
 */
public final class LatencyBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final StructType READ_SCHEMA = new StructType()
      .add("partition", IntegerType.INTEGER)
      .add("offset", LongType.LONG)
      .add("event_enqueued_timestamp", TimestampType.TIMESTAMP)
      .add("ingestion_timestamp", TimestampType.TIMESTAMP);
  private static final double TARGET_SLACK_SECONDS = 2.0;

  private LatencyBenchmark() {}

  public static void main(String[] args) throws Exception {
    Settings s = Settings.parse(args);
    Path work = Files.createTempDirectory("latency-bench");
    Path table = work.resolve("table");
    Path childLog = work.resolve("ingester.log");
    System.out.printf(Locale.ROOT, "Machine: %d cores, %s %s; work dir %s%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
        System.getProperty("java.version"), work);
    boolean ok;
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      String topic = "latency";
      kafka.createTopic(topic, s.partitions());

      List<String> cmd = new ArrayList<>();
      cmd.add(ProcessHandle.current().info().command().orElse("java"));
      cmd.addAll(s.jvmOpts());
      cmd.addAll(List.of("-jar", s.jar().toString(), "run", "--bootstrap-servers", kafka.bootstrapServers(),
          "--topic", topic, "--table", table.toString(), "--app-id", "latency-bench", "--trigger", "continuous",
          "--commit-interval", s.commitInterval()));
      cmd.addAll(s.ingesterArgs());
      System.out.println("Child: " + String.join(" ", cmd));
      Process child = new ProcessBuilder(cmd).redirectError(childLog.toFile())
          .redirectOutput(work.resolve("ingester.out").toFile()).start();
      long childStartMicros = nowMicros();
      if (s.waitForReady()) {
        awaitAssignment(child, childLog);
      }

      Pacer pacer = new Pacer(kafka.bootstrapServers(), topic, s);
      pacer.start();
      pacer.join();
      if (pacer.failure.get() != null) {
        child.destroyForcibly();
        throw new IllegalStateException("Producer failed", pacer.failure.get());
      }
      long produced = pacer.sent;
      System.out.printf(Locale.ROOT, "Producer: %,d records in %.2f s = %,.0f records/s achieved (target %,d);"
              + " worst lag behind schedule %.1f ms; %d ms slices; last ack %.2f s after the last send%n", produced,
          pacer.sendSeconds, produced / pacer.sendSeconds, s.rate(), pacer.maxLagNanos / 1e6, s.sliceMillis(),
          pacer.flushSeconds);
      long inTopic = recordsInTopic(kafka, topic, s.partitions());
      if (inTopic != produced) {
        System.out.printf("WARNING: the topic holds %,d records, %,d were produced%n", inTopic, produced);
      }

      // Wait until the table holds everything, with no help from the SIGTERM commit.
      DeltaLogTail log = new DeltaLogTail(table.resolve("_delta_log"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3 * s.intervalMillis() / 1000 + 30);
      long drainStart = System.nanoTime();
      while (log.committedRecords() < produced && System.nanoTime() < deadline && child.isAlive()) {
        Thread.sleep(100);
        log.poll();
      }
      boolean drained = log.committedRecords() >= produced;
      System.out.printf(Locale.ROOT, "%s %,d of %,d records %.2f s after the producer stopped (version %d)%n",
          drained ? "Table holds all" : "TIMED OUT: table holds", log.committedRecords(), produced,
          (System.nanoTime() - drainStart) / 1e9, log.lastVersion());

      long stopStart = System.nanoTime();
      child.destroy(); // SIGTERM: commit what is buffered (nothing, if drained) and exit 0
      if (!child.waitFor(30, TimeUnit.SECONDS)) {
        System.out.println("Child did not exit within 30 s of SIGTERM: killing it");
        child.destroyForcibly().waitFor();
      }
      int exitCode = child.exitValue();
      log.poll();
      System.out.printf(Locale.ROOT, "SIGTERM → exit %d in %.2f s; table at version %d%n", exitCode,
          (System.nanoTime() - stopStart) / 1e9, log.lastVersion());
      String said = Files.readString(work.resolve("ingester.out")).strip();
      if (!said.isEmpty()) {
        System.out.println("  ingester said: " + said);
      }

      ok = analyse(s, table, log, produced, childStartMicros, pacer.stopMicros) && drained && exitCode == 0;
      if (!ok) {
        System.out.println("  last lines of the ingester's stderr:");
        List<String> lines = Files.readAllLines(childLog);
        lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> System.out.println("    " + l));
      }
    }
    if (s.keep() || !ok) {
      System.out.println((ok ? "" : "FAILED: ") + "table and ingester log kept in " + work);
    } else {
      deleteRecursively(work);
    }
    if (!ok) {
      System.exit(1);
    }
  }

  /** Reads each committed data file once and prints the latency distribution; true if exactly once held. */
  private static boolean analyse(Settings s, Path table, DeltaLogTail log, long produced, long childStartMicros,
      long producerStopMicros) throws IOException {
    long t0 = System.nanoTime();
    Engine engine = DefaultEngine.create(new Configuration());
    LongList latency = new LongList();
    LongList toIngest = new LongList();
    LongList toCommit = new LongList();
    Map<Integer, BitSet> seen = new HashMap<>();
    long rows = 0;
    long duplicates = 0;
    int dataCommits = 0;
    long previousCommitMicros = -1;
    long warmupRecords = 0;
    long warmupMaxMicros = 0;
    long drainRecords = 0;
    int drainCommits = 0;
    LongList commitInfoLead = new LongList();
    List<String> perCommit = new ArrayList<>();
    LongList gaps = new LongList();
    for (Commit c : log.commits()) {
      if (c.commitInfoMillis() > 0) {
        commitInfoLead.add(c.mtimeMicros() - c.commitInfoMillis() * 1000);
      }
      if (c.adds().isEmpty()) {
        continue; // version 0 creates the table; a commit with offsets only holds no records
      }
      dataCommits++;
      boolean warmup = dataCommits <= s.warmupCommits();
      // Committed after the producer stopped: its window is cut short, so it lacks the low latencies of records
      // produced just before a commit. Excluded, like the warm-up, from the steady-state percentiles.
      boolean drain = !warmup && c.mtimeMicros() > producerStopMicros;
      boolean excluded = warmup || drain;
      long minLat = Long.MAX_VALUE;
      long maxLat = Long.MIN_VALUE;
      long maxIngestion = Long.MIN_VALUE;
      LongList commitLatencies = new LongList();
      long commitRows = 0;
      for (AddFile add : c.adds()) {
        String file = table.resolve(URI.create(add.path()).getPath()).toString();
        try (CloseableIterator<FileReadResult> data = engine.getParquetHandler().readParquetFiles(
            Utils.singletonCloseableIterator(FileStatus.of(file, add.size(), add.modificationTime())), READ_SCHEMA,
            Optional.empty())) {
          while (data.hasNext()) {
            ColumnarBatch batch = data.next().getData();
            ColumnVector partition = batch.getColumnVector(0);
            ColumnVector offset = batch.getColumnVector(1);
            ColumnVector enqueued = batch.getColumnVector(2);
            ColumnVector ingested = batch.getColumnVector(3);
            for (int r = 0; r < batch.getSize(); r++) {
              commitRows++;
              BitSet offsets = seen.computeIfAbsent(partition.getInt(r), p -> new BitSet());
              int o = Math.toIntExact(offset.getLong(r));
              if (offsets.get(o)) {
                duplicates++;
              }
              offsets.set(o);
              long enq = enqueued.getLong(r); // microseconds since the epoch
              long ing = ingested.getLong(r);
              long lat = c.mtimeMicros() - enq;
              minLat = Math.min(minLat, lat);
              maxLat = Math.max(maxLat, lat);
              maxIngestion = Math.max(maxIngestion, ing);
              commitLatencies.add(lat);
              if (warmup) {
                warmupMaxMicros = Math.max(warmupMaxMicros, lat);
              } else if (!drain) {
                latency.add(lat);
                toIngest.add(ing - enq);
                toCommit.add(c.mtimeMicros() - ing);
              }
            }
          }
        }
      }
      rows += commitRows;
      if (warmup) {
        warmupRecords += commitRows;
      } else if (drain) {
        drainRecords += commitRows;
        drainCommits++;
      }
      double gap = previousCommitMicros < 0 ? Double.NaN : (c.mtimeMicros() - previousCommitMicros) / 1e6;
      if (previousCommitMicros >= 0 && !excluded) {
        gaps.add(c.mtimeMicros() - previousCommitMicros);
      }
      previousCommitMicros = c.mtimeMicros();
      long[] sorted = commitLatencies.sorted();
      perCommit.add(String.format(Locale.ROOT, "  %7d %8s %9d %5d %9.2f %8.2f %8.2f %8.2f %8.2f %11.0f%s",
          c.version(), String.format(Locale.ROOT, "%.2f", (c.mtimeMicros() - childStartMicros) / 1e6), commitRows,
          c.adds().size(), gap, minLat / 1e6, percentile(sorted, 0.5) / 1e6, percentile(sorted, 0.99) / 1e6,
          maxLat / 1e6, (c.mtimeMicros() - maxIngestion) / 1e3,
          warmup ? "  (warm-up, excluded)" : drain ? "  (after the producer stopped, excluded)" : ""));
    }
    System.out.printf(Locale.ROOT, "Analysis: read %d versions and their data files in %.1f s%n", log.commits().size(),
        (System.nanoTime() - t0) / 1e9);

    System.out.println();
    System.out.println("Per commit (t = commit time since child start; latency = commit time − Kafka timestamp;"
        + " seal = commit time − last ingestion_timestamp in it):");
    System.out.println("  version  t (s)   records files   gap (s)  min (s)  p50 (s)  p99 (s)  max (s)   seal (ms)");
    perCommit.forEach(System.out::println);

    long[] lat = latency.sorted();
    long[] ing = toIngest.sorted();
    long[] com = toCommit.sorted();
    long[] lead = commitInfoLead.sorted();
    long[] gapSorted = gaps.sorted();
    double targetSeconds = s.intervalMillis() / 1000.0 + TARGET_SLACK_SECONDS;
    double p99 = percentile(lat, 0.99) / 1e6;
    boolean exactlyOnce = rows == produced && duplicates == 0;
    System.out.println();
    System.out.println("====================================== LatencyBenchmark summary"
        + " ======================================");
    System.out.printf(Locale.ROOT, "continuous, --commit-interval %s, %d partitions, %,d records/s for %d s"
        + " (%,d records)%n", s.commitInterval(), s.partitions(), s.rate(), s.seconds(), produced);
    System.out.printf(Locale.ROOT, "commit time = mtime of _delta_log/N.json (visibility); commitInfo.timestamp"
            + " is earlier by p50 %.0f ms, max %.0f ms%n", percentile(lead, 0.5) / 1e3,
        lead.length == 0 ? Double.NaN : lead[lead.length - 1] / 1e3);
    System.out.printf(Locale.ROOT, "warm-up excluded: first %d data commit(s), %,d records (%s), max latency %.2f s%n",
        s.warmupCommits(), warmupRecords, s.waitForReady() ? "load started once the ingester was assigned: first"
            + " interval and cold JIT" : "load started with the child JVM: JVM start, table creation, group join",
        warmupMaxMicros / 1e6);
    System.out.printf(Locale.ROOT, "drain excluded: %d commit(s) after the producer stopped, %,d records (a window"
        + " cut short lacks the low latencies)%n", drainCommits, drainRecords);
    if (gapSorted.length > 0) {
      System.out.printf(Locale.ROOT, "commit spacing after warm-up: %d gaps, p50 %.2f s, max %.2f s%n",
          gapSorted.length, percentile(gapSorted, 0.5) / 1e6, gapSorted[gapSorted.length - 1] / 1e6);
    }
    System.out.printf(Locale.ROOT, "LATENCY commit visible − Kafka record timestamp, %,d records: p50 %.2f s,"
            + " p90 %.2f s, p99 %.2f s, max %.2f s%n", lat.length, percentile(lat, 0.5) / 1e6,
        percentile(lat, 0.9) / 1e6, p99, lat.length == 0 ? Double.NaN : lat[lat.length - 1] / 1e6);
    System.out.printf(Locale.ROOT, "  Kafka timestamp → ingestion_timestamp (poll, hand-off): p50 %.3f s, p99 %.3f s,"
            + " max %.3f s%n", percentile(ing, 0.5) / 1e6, percentile(ing, 0.99) / 1e6,
        ing.length == 0 ? Double.NaN : ing[ing.length - 1] / 1e6);
    System.out.printf(Locale.ROOT, "  ingestion_timestamp → commit visible (buffering until the commit, close,"
            + " commit): p50 %.2f s, p99 %.2f s, max %.2f s%n", percentile(com, 0.5) / 1e6,
        percentile(com, 0.99) / 1e6, com.length == 0 ? Double.NaN : com[com.length - 1] / 1e6);
    if (lat.length == 0) {
      System.out.println("NO steady-state commit to measure: every data commit was warm-up or drain. Run longer"
          + " (seconds of at least 3 commit intervals beyond the warm-up) or on a less busy machine.");
    }
    System.out.printf(Locale.ROOT, "TARGET p99 ≤ interval + %.0f s = %.1f s: %s (p99 %.2f s)%n", TARGET_SLACK_SECONDS,
        targetSeconds, lat.length > 0 && p99 <= targetSeconds ? "MET" : "MISSED", p99);
    System.out.printf(Locale.ROOT, "exactly once: %,d rows for %,d records produced, %d duplicates: %s%n", rows,
        produced, duplicates, exactlyOnce ? "OK" : "MISMATCH");
    return exactlyOnce && lat.length > 0;
  }

  /**
   * Waits until the child logs its partition assignment (it is then positioned and polling), so that the load
   * starts on a running ingester rather than during JVM start; gives up after 120 s and starts anyway.
   */
  private static void awaitAssignment(Process child, Path childLog) throws IOException, InterruptedException {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline && child.isAlive()) {
      if (Files.exists(childLog) && Files.readString(childLog).contains(" partitions of ")) {
        System.out.printf(Locale.ROOT, "Ingester assigned its partitions %.2f s after start; starting the load%n",
            (System.nanoTime() - start) / 1e9);
        return;
      }
      Thread.sleep(50);
    }
    System.out.println("WARNING: no partition assignment logged by the ingester"
        + (child.isAlive() ? " within 120 s" : " (it exited)") + "; starting the load anyway");
  }

  /** Nearest-rank percentile of a sorted array; NaN if empty. */
  private static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
  }

  private static long recordsInTopic(EmbeddedKafka kafka, String topic, int partitions) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    return kafka.admin().listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
        .mapToLong(info -> info.offset()).sum();
  }

  private static long nowMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /**
   * Sends IoT events at a steady rate: wakes every {@code sliceMillis} on an absolute schedule and sends what
   * brings the total to {@code rate * elapsed}, so a late wake-up is caught up at once instead of lowering the
   * rate. Record timestamps are set by the producer at send time (CreateTime).
   */
  private static final class Pacer extends Thread {
    private final String bootstrap;
    private final String topic;
    private final Settings s;
    final AtomicReference<Exception> failure = new AtomicReference<>();
    private final AtomicLong acknowledged = new AtomicLong();
    long sent;
    long maxLagNanos;
    double sendSeconds;
    double flushSeconds;
    long stopMicros;

    Pacer(String bootstrap, String topic, Settings s) {
      super("paced-producer");
      this.bootstrap = bootstrap;
      this.topic = topic;
      this.s = s;
    }

    @Override
    public void run() {
      IotEvents events = new IotEvents(42);
      long total = s.rate() * s.seconds();
      long sliceNanos = TimeUnit.MILLISECONDS.toNanos(s.sliceMillis());
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(EmbeddedKafka.producerConfig(bootstrap),
          new ByteArraySerializer(), new ByteArraySerializer())) {
        producer.partitionsFor(topic); // metadata fetched before the clock starts
        long start = System.nanoTime();
        for (long slice = 1; sent < total && failure.get() == null; slice++) {
          long due = start + slice * sliceNanos;
          long now;
          while ((now = System.nanoTime()) < due) {
            LockSupport.parkNanos(due - now);
          }
          long target = Math.min(total, (long) (s.rate() * ((due - start) / 1e9)));
          for (; sent < target; sent++) {
            producer.send(new ProducerRecord<>(topic, events.key(sent), events.value(sent)), (metadata, e) -> {
              if (e == null) {
                acknowledged.incrementAndGet();
              } else {
                failure.compareAndSet(null, e);
              }
            });
          }
          maxLagNanos = Math.max(maxLagNanos, System.nanoTime() - due);
        }
        long sendEnd = System.nanoTime();
        stopMicros = nowMicros();
        sendSeconds = (sendEnd - start) / 1e9;
        producer.flush();
        flushSeconds = (System.nanoTime() - sendEnd) / 1e9;
        if (failure.get() == null && acknowledged.get() != sent) {
          failure.set(new IllegalStateException(acknowledged.get() + " of " + sent + " records acknowledged"));
        }
      } catch (RuntimeException e) {
        failure.compareAndSet(null, e);
      }
    }
  }

  record AddFile(String path, long size, long modificationTime, long numRecords) {}

  record Commit(long version, long mtimeMicros, long commitInfoMillis, List<AddFile> adds) {}

  /** Reads {@code _delta_log/N.json} files in version order as they appear, each once. */
  static final class DeltaLogTail {
    private final Path logDir;
    private final List<Commit> commits = new ArrayList<>();
    private long committedRecords;

    DeltaLogTail(Path logDir) {
      this.logDir = logDir;
    }

    /** Parses every new version present now; stops at the first missing (or not yet readable) one. */
    void poll() throws IOException {
      while (true) {
        long version = commits.size();
        Path file = logDir.resolve(String.format(Locale.ROOT, "%020d.json", version));
        if (!Files.exists(file)) {
          return;
        }
        long mtimeMicros = Files.getLastModifiedTime(file).to(TimeUnit.MICROSECONDS);
        long commitInfoMillis = -1;
        List<AddFile> adds = new ArrayList<>();
        List<String> lines;
        try {
          lines = Files.readAllLines(file);
          for (String line : lines) {
            JSON.readTree(line); // a log file still being written fails here: read it again on the next poll
          }
        } catch (IOException notComplete) {
          return;
        }
        for (String line : lines) {
          if (line.isBlank()) {
            continue;
          }
          JsonNode action = JSON.readTree(line);
          if (action.has("commitInfo")) {
            JsonNode info = action.get("commitInfo");
            commitInfoMillis = info.has("inCommitTimestamp") ? info.get("inCommitTimestamp").asLong()
                : info.path("timestamp").asLong(-1);
          } else if (action.has("add")) {
            JsonNode add = action.get("add");
            long numRecords = -1;
            if (add.hasNonNull("stats")) {
              numRecords = JSON.readTree(add.get("stats").asText()).path("numRecords").asLong(-1);
            }
            adds.add(new AddFile(add.get("path").asText(), add.get("size").asLong(),
                add.get("modificationTime").asLong(), numRecords));
          }
        }
        for (AddFile add : adds) {
          committedRecords += Math.max(0, add.numRecords());
        }
        commits.add(new Commit(version, mtimeMicros, commitInfoMillis, List.copyOf(adds)));
      }
    }

    List<Commit> commits() {
      return commits;
    }

    long committedRecords() {
      return committedRecords;
    }

    long lastVersion() {
      return commits.size() - 1;
    }
  }

  /** A growable array of longs (a million boxed Longs would dwarf the data). */
  private static final class LongList {
    private long[] values = new long[1024];
    private int size;

    void add(long v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    long[] sorted() {
      long[] out = Arrays.copyOf(values, size);
      Arrays.sort(out);
      return out;
    }
  }

  /** Command-line settings as key=value pairs. */
  record Settings(int seconds, long rate, int partitions, String commitInterval, long intervalMillis,
      int sliceMillis, int warmupCommits, boolean waitForReady, List<String> jvmOpts, List<String> ingesterArgs,
      Path jar, boolean keep) {
    private static final String KEYS = "seconds, rate, partitions, commitInterval, sliceMillis, warmupCommits,"
        + " waitForReady, jvmOpts, ingesterArgs, jar, keep";
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)");

    static Settings parse(String[] args) {
      int seconds = 60;
      long rate = 20_000;
      int partitions = 8;
      String commitInterval = "5s";
      int sliceMillis = 10;
      int warmupCommits = 1;
      boolean waitForReady = true;
      List<String> jvmOpts = List.of();
      List<String> ingesterArgs = List.of();
      Path jar = Path.of("ingester/target/kafka-delta-ingester.jar");
      boolean keep = false;
      for (String[] kv : KeyValueArgs.pairs(args, KEYS)) {
        switch (kv[0]) {
          case "seconds" -> seconds = Integer.parseInt(kv[1]);
          case "rate" -> rate = Long.parseLong(kv[1].replace("_", "").replace(",", ""));
          case "partitions" -> partitions = Integer.parseInt(kv[1]);
          case "commitInterval" -> commitInterval = kv[1].trim();
          case "sliceMillis" -> sliceMillis = Integer.parseInt(kv[1]);
          case "warmupCommits" -> warmupCommits = Integer.parseInt(kv[1]);
          case "waitForReady" -> waitForReady = Boolean.parseBoolean(kv[1]);
          case "jvmOpts" -> jvmOpts = KeyValueArgs.words(kv[1]);
          case "ingesterArgs" -> ingesterArgs = KeyValueArgs.words(kv[1]);
          case "jar" -> jar = Path.of(kv[1]);
          case "keep" -> keep = Boolean.parseBoolean(kv[1]);
        }
      }
      Matcher m = DURATION.matcher(commitInterval);
      if (!m.matches()) {
        throw new IllegalArgumentException("Invalid commitInterval '" + commitInterval + "': use e.g. 5s, 500ms, 1m");
      }
      long n = Long.parseLong(m.group(1));
      long intervalMillis = switch (m.group(2)) {
        case "ms" -> n;
        case "s" -> n * 1000;
        default -> n * 60_000;
      };
      if (seconds < 1 || rate < 1 || partitions < 1 || sliceMillis < 1 || warmupCommits < 0) {
        throw new IllegalArgumentException(
            "seconds, rate, partitions and sliceMillis must be >= 1, warmupCommits >= 0");
      }
      if (!Files.isRegularFile(jar)) {
        throw new IllegalArgumentException("Ingester jar " + jar.toAbsolutePath() + " not found: run"
            + " 'mvn -B package -DskipTests' first, or pass jar=PATH");
      }
      return new Settings(seconds, rate, partitions, commitInterval, intervalMillis, sliceMillis, warmupCommits,
          waitForReady, jvmOpts, ingesterArgs, jar, keep);
    }
  }
}
