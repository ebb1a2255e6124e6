package org.kafkadelta.ingester.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.kernel.Snapshot;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.utils.CloseableIterator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.kafkadelta.testkit.DeltaTableReader;
import org.kafkadelta.testkit.EmbeddedKafka;

/**
 * Exactly-once across crashes: the real jar runs as a child process and is SIGKILLed at random instants while
 * it ingests, at least {@value #MIN_KILLS_DURING_INGESTION} times, over {@value #PARTITIONS} partitions and
 * more than 100k records. A last available-now run then catches up, and the table must hold every record
 * exactly once, with stored offsets that match.
 *
 * <p>Each child commits every {@value #MAX_RECORDS_PER_COMMIT} records (and at least every 500 ms), several
 * commits a second, so a kill lands while files are being written, between "file written" and "commit", or
 * during a commit. More records are produced before every restart so that the child always has work when it
 * is killed; the small per-commit cap also keeps a fast machine from catching up between kills.
 *
 * <p>Kill instant: a random 1.5 to 4 s after the child starts, but never before the run's first commit of
 * data (plus a random extra up to 1 s), so that every run makes progress even on a loaded machine where the
 * JVM start alone takes seconds. The random draws come from a seeded {@link Random}; the seed is printed and
 * can be replayed with {@code -Dcrash.seed=N} (timing still varies with the machine).
 *
 * <p>Restarts rely on the ingester's static group membership (its default {@code group.instance.id}, derived
 * from the app id): without it a restarted consumer would wait for the killed one's group session to expire
 * (45 s by default) before getting any partition, and each round would take that long.
 */
@ExtendWith(SharedKafka.class)
class CrashRecoveryIT {
  private static final int PARTITIONS = 4;
  private static final int INITIAL_RECORDS = 120_000;
  /** Produced before every restart; a multiple of PARTITIONS so partitions stay equal. */
  private static final int RECORDS_PER_RESTART = 20_000;
  private static final int MIN_KILLS_DURING_INGESTION = 5;
  private static final int MAX_ROUNDS = 10;
  private static final int MAX_RECORDS_PER_COMMIT = 2_000;
  private static final int MIN_KILL_DELAY_MILLIS = 1_500;
  private static final int MAX_KILL_DELAY_MILLIS = 4_000;
  private static final int MAX_EXTRA_DELAY_MILLIS = 1_000;
  private static final Duration FIRST_COMMIT_TIMEOUT = Duration.ofSeconds(90);
  /** The coordinator's log line for a commit that added data files. */
  private static final Pattern DATA_COMMIT = Pattern.compile("Committed version \\d+ of .*: [1-9]\\d* files");
  private static final Pattern NEXT_OFFSET = Pattern.compile("\"nextOffset\"\\s*:\\s*(\\d+)");

  @Test
  void sigkillAtRandomInstantsLosesAndDuplicatesNothing(EmbeddedKafka kafka, @TempDir Path dir) throws Exception {
    long seed = Long.getLong("crash.seed", System.nanoTime());
    System.out.println("CrashRecoveryIT: seed " + seed + " (replay with -Dcrash.seed=" + seed + ")");
    Random random = new Random(seed);
    String topic = TestTopics.uniqueName("crash");
    String appId = "crash-" + topic.substring(topic.lastIndexOf('-') + 1);
    Path table = dir.resolve("bronze");
    Path logs = dir.resolve("logs");
    long testStart = System.nanoTime();
    kafka.createTopic(topic, PARTITIONS);
    TestTopics.produceNumbered(kafka, topic, PARTITIONS, 0, INITIAL_RECORDS);
    System.out.printf("CrashRecoveryIT: produced %d records in %d ms%n", INITIAL_RECORDS, millisSince(testStart));

    List<ChildIngester> children = new ArrayList<>();
    ChildIngester.printLogsOnFailure(children, () -> {
      int produced = INITIAL_RECORDS;
      int kills = 0;
      int killsDuringIngestion = 0;
      int roundsWithProgress = 0;
      long committedBefore = 0;
      List<String> report = new ArrayList<>();
      for (int round = 1; round <= MAX_ROUNDS && killsDuringIngestion < MIN_KILLS_DURING_INGESTION; round++) {
        if (round > 1) {
          TestTopics.produceNumbered(kafka, topic, PARTITIONS, produced, RECORDS_PER_RESTART);
          produced += RECORDS_PER_RESTART;
        }
        int delayMillis = MIN_KILL_DELAY_MILLIS + random.nextInt(MAX_KILL_DELAY_MILLIS - MIN_KILL_DELAY_MILLIS + 1);
        int extraMillis = random.nextInt(MAX_EXTRA_DELAY_MILLIS + 1);
        ChildIngester child = ChildIngester.start("crash-round-" + round, logs, List.of("-Xmx512m"),
            ChildIngester.runArgs(kafka, topic, table, appId,
                "--trigger", "continuous",
                "--commit-interval", "500ms",
                "--max-records-per-commit", Integer.toString(MAX_RECORDS_PER_COMMIT),
                "--writer-threads", "2"));
        children.add(child);
        assertThat(child.exitsWithin(Duration.ofMillis(delayMillis)))
            .as("child of round %d exited on its own within %d ms (it should run until killed)", round, delayMillis)
            .isFalse();
        String waited = "";
        if (!DATA_COMMIT.matcher(child.stderr()).find()) {
          // Not a single commit of data yet (slow start): let it make some progress first.
          long waitStart = System.nanoTime();
          child.awaitStderr("its first commit of data", log -> DATA_COMMIT.matcher(log).find(),
              FIRST_COMMIT_TIMEOUT);
          assertThat(child.exitsWithin(Duration.ofMillis(extraMillis))).as("child of round %d exited", round)
              .isFalse();
          waited = String.format(" +%d ms to its first commit +%d ms", millisSince(waitStart) - extraMillis,
              extraMillis);
        }
        long killedAfter = child.uptime().toMillis();
        child.kill();
        int exitCode = child.waitFor(Duration.ofSeconds(10));
        kills++;
        assertThat(exitCode).as("exit code of the SIGKILLed child of round %d", round)
            .isEqualTo(ChildIngester.SIGKILL_EXIT_CODE);

        TableState state = TableState.read(table, appId, topic);
        long committed = state.committedRecords();
        // Killed while ingesting: records it had not committed yet were waiting for it.
        boolean duringIngestion = committed < produced;
        if (duringIngestion) {
          killsDuringIngestion++;
        }
        if (committed > committedBefore) {
          roundsWithProgress++;
        }
        String line = String.format("round %2d: SIGKILL at %5d ms (drawn %d ms%s), %s, %3d commits logged by this"
                + " run; table version %3d, committed %6d of %6d produced (+%d), %3d parquet files on disk vs."
                + " %3d in the table", round, killedAfter, delayMillis, waited,
            duringIngestion ? "during ingestion" : "caught up", count(child.stderr(), "Committed version"),
            state.version(), committed, produced, committed - committedBefore, TableContents.parquetFilesOnDisk(table),
            state.dataFiles());
        report.add(line);
        System.out.println("CrashRecoveryIT: " + line);
        assertThat(committed).as("offsets never move back across a crash (round %d)", round)
            .isGreaterThanOrEqualTo(committedBefore);
        committedBefore = committed;
      }
      long versionAfterKills = TableState.read(table, appId, topic).version();
      long committedAfterKills = committedBefore;
      System.out.printf("CrashRecoveryIT: %d kills (%d during ingestion, %d rounds made progress) in %d ms;"
              + " table version %d, %d of %d records committed%n", kills, killsDuringIngestion, roundsWithProgress,
          millisSince(testStart), versionAfterKills, committedAfterKills, produced);
      assertThat(killsDuringIngestion).as("kills that landed while the child was ingesting (seed %d)%n%s", seed,
          String.join("\n", report)).isGreaterThanOrEqualTo(MIN_KILLS_DURING_INGESTION);
      assertThat(roundsWithProgress).as("rounds whose run committed data before it was killed")
          .isGreaterThanOrEqualTo(MIN_KILLS_DURING_INGESTION);
      assertThat(committedAfterKills).as("records committed by the killed runs").isPositive().isLessThan(produced);

      long finalStart = System.nanoTime();
      ChildIngester last = ChildIngester.start("crash-final", logs, List.of("-Xmx512m"),
          ChildIngester.runArgs(kafka, topic, table, appId,
              "--trigger", "available-now",
              "--writer-threads", "2"));
      children.add(last);
      int finalExit = last.waitFor(Duration.ofSeconds(120));
      long finalMillis = millisSince(finalStart);
      assertThat(finalExit).as("exit code of the final available-now run").isZero();
      assertThat(last.stdout()).as("summary of the final run")
          .startsWith("Ingested " + (produced - committedAfterKills) + " records ");
      System.out.printf("CrashRecoveryIT: final available-now run exited 0 in %d ms: %s", finalMillis,
          last.stdout());

      long verifyStart = System.nanoTime();
      int perPartition = produced / PARTITIONS;
      TableContents contents = TableContents.read(table).hasNoDuplicates();
      assertThat(contents.rows).as("rows in the table").hasSize(produced);
      BitSet[] offsetsSeen = new BitSet[PARTITIONS];
      for (int p = 0; p < PARTITIONS; p++) {
        offsetsSeen[p] = new BitSet(perPartition);
      }
      List<String> wrongRows = new ArrayList<>();
      for (Map<String, Object> row : contents.rows) {
        int partition = (Integer) row.get("partition");
        long offset = (Long) row.get("offset");
        if (partition < 0 || partition >= PARTITIONS || offset < 0 || offset >= perPartition) {
          addUpTo20(wrongRows, "unexpected " + partition + "/" + offset);
          continue;
        }
        offsetsSeen[partition].set((int) offset);
        int i = (int) (offset * PARTITIONS + partition);
        if (!("k-" + i).equals(row.get("key"))
            || !new String(TestTopics.valueOf(i, partition), StandardCharsets.UTF_8).equals(row.get("raw_json"))) {
          addUpTo20(wrongRows, partition + "/" + offset + " does not hold record " + i);
        }
      }
      assertThat(wrongRows).as("rows that are not the record produced at their offset (first 20)").isEmpty();
      Map<Integer, Long> expected = new TreeMap<>();
      for (int p = 0; p < PARTITIONS; p++) {
        assertThat(offsetsSeen[p].cardinality()).as("distinct offsets 0..%d of partition %d in the table",
            perPartition - 1, p).isEqualTo(perPartition);
        expected.put(p, (long) perPartition);
      }
      TableState end = TableState.read(table, appId, topic);
      assertThat(end.nextOffsets()).as("next offsets stored in the table").isEqualTo(expected);
      assertThat(end.version()).as("the final run committed on top of the killed runs' versions")
          .isGreaterThan(versionAfterKills);
      long verifyMillis = millisSince(verifyStart);

      long onDisk = TableContents.parquetFilesOnDisk(table);
      long inTable = end.dataFiles();
      System.out.println("CrashRecoveryIT: summary (seed " + seed + ")");
      report.forEach(l -> System.out.println("  " + l));
      System.out.printf("  %d kills (%d during ingestion, %d rounds made progress); after them table version %d,"
              + " %d of %d records committed%n", kills, killsDuringIngestion, roundsWithProgress, versionAfterKills,
          committedAfterKills, produced);
      System.out.printf("  final available-now run: exit 0 in %d ms%n", finalMillis);
      System.out.printf("  table: version %d, %d rows (exactly once, offsets 0..%d of every partition), %d data"
              + " files; %d parquet files on disk, i.e. %d orphans left by killed runs (the table does not reference"
              + " them, so no read sees them); verified in %d ms; whole test %d ms%n",
          end.version(), contents.rows.size(), perPartition - 1, inTable, onDisk, onDisk - inTable,
          verifyMillis, millisSince(testStart));
    });
  }


  /** What the latest snapshot of the table says, read once through Delta Kernel; version -1 if no table yet. */
  private record TableState(long version, Map<Integer, Long> nextOffsets, long dataFiles) {
    static TableState read(Path table, String appId, String topic) {
      if (!Files.isDirectory(table.resolve("_delta_log"))) {
        return new TableState(-1, Map.of(), 0);
      }
      Engine engine = DefaultEngine.create(new Configuration());
      Snapshot snapshot = new DeltaTableReader(engine).snapshot(table.toString());
      Map<Integer, Long> offsets = new TreeMap<>();
      for (int p = 0; p < PARTITIONS; p++) {
        Optional<String> config = snapshot.getDomainMetadata("kafka-delta-ingester/" + appId + "/" + topic + "/" + p);
        if (config.isPresent()) {
          Matcher m = NEXT_OFFSET.matcher(config.get());
          assertThat(m.find()).as("offset domain of partition %d: %s", p, config.get()).isTrue();
          offsets.put(p, Long.parseLong(m.group(1)));
        }
      }
      long files = 0;
      try (CloseableIterator<FilteredColumnarBatch> batches = snapshot.getScanBuilder().build().getScanFiles(engine)) {
        while (batches.hasNext()) {
          try (CloseableIterator<Row> rows = batches.next().getRows()) {
            while (rows.hasNext()) {
              rows.next();
              files++;
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new TableState(snapshot.getVersion(), offsets, files);
    }

    long committedRecords() {
      return nextOffsets.values().stream().mapToLong(Long::longValue).sum();
    }
  }


  private static void addUpTo20(List<String> problems, String problem) {
    if (problems.size() < 20) {
      problems.add(problem);
    }
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
      n++;
    }
    return n;
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
