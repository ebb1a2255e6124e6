package org.kafkadelta.benchmarks.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.kafkadelta.ingester.config.Compression;
import org.kafkadelta.ingester.config.ValueFormat;
import org.kafkadelta.ingester.delta.CommitOutcome;
import org.kafkadelta.ingester.delta.DeltaTableGateway;
import org.kafkadelta.ingester.delta.OffsetUpdate;
import org.kafkadelta.ingester.writer.BronzeColumn;
import org.kafkadelta.ingester.writer.DataFileFactory;
import org.kafkadelta.ingester.writer.PartitionFileWriter;
import org.kafkadelta.ingester.writer.RollingPolicy;
import org.kafkadelta.ingester.writer.WriterMemoryBudget;
import org.kafkadelta.ingester.writer.WrittenFile;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of ONE ingester commit, {@link DeltaTableGateway#commit}, as the table's log grows: 8 new data files
 * (one per partition) plus the 8 partitions' offsets (domain metadata) in one Delta version, including what
 * the gateway does after the commit (Kernel post-commit hooks: the version's CRC file, and every 10th version a
 * checkpoint when checkpoints are on).
 *
 * <p><b>Table.</b> Trial set-up ({@link BenchSupport#buildTable}) creates a bronze table with the gateway's
 * exact schema, partitioning and domainMetadata feature and makes {@code history} commits through the
 * gateway's real commit path, each moving the 8 partitions' offsets by 1,000 and adding
 * {@code historyFilesPerCommit} add actions (file names only: Kernel never opens data files to commit,
 * checkpoint or read offsets, so the history costs no data while checkpoints grow like a real table's: 8 per
 * commit = one file per partition per commit, what the ingester does). To keep set-up linear, the history is
 * written with checkpoints off; {@code checkpoints=true} then sets {@code delta.checkpointInterval=10}
 * (Kernel's default) in one more commit and writes that version's checkpoint, which is the state the
 * every-10-commits hook would have left (minus older checkpoint files, never read again).
 * {@code checkpoints=false} keeps {@code delta.checkpointInterval=2147483647}. Set-up prints its duration
 * and what the log holds: ~45 ms per history commit on the shared 2-core dev machine, i.e. ~8 min for 10,000.
 * Set the environment variable {@code KDI_BENCH_TABLE_CACHE=/some/dir} to keep prepared tables there and
 * reuse them in later trials and runs (also shared with {@link StoredOffsetsReadBenchmark}'s 8-partition
 * tables); the benchmark never modifies a prepared table.
 *
 * <p><b>Each iteration starts at exactly {@code history} commits</b>: iteration set-up (not timed) copies the
 * prepared log (hard links; {@code _last_checkpoint} copied) to a fresh table directory and opens it with
 * {@link DeltaTableGateway#openOrCreate} (like a restarted ingester). Within an iteration every measured commit
 * adds one version, so the log grows by the number of commits in one iteration (printed at iteration end).
 *
 * <p><b>Each commit adds 8 distinct real Parquet files</b>: 8 small files (one per partition, 1,000 IoT
 * records each, written once through the ingester's writer) are hard-linked under fresh
 * {@code part-<uuid>.snappy.parquet} names in per-invocation set-up (not timed), and the offsets'
 * {@code expectedNextOffset} is the value the table holds, tracked across commits (a fenced commit fails the
 * benchmark).
 *
 * <p>Mode: sample time, ms; read p0.50 and p0.99 of the {@code ·p0.50} / {@code ·p0.99} secondary results.
 * With checkpoints on, 1 commit in 10 writes a checkpoint, so p0.90 and above are checkpointing commits.
 * Target: p99 ≤ 1 s on local disk at 10,000 commits of history.
 *
 * <p>Full run (6 combinations, 70 s of measurement each; set-up ≈ 2 × 8 min for history=10,000, ≈ 2 × 45 s
 * for 1,000; with the cache directory those tables are built once and reused by later runs):
 * <pre>{@code
 * KDI_BENCH_TABLE_CACHE=/var/tmp/kdi-bench-tables java -jar benchmarks/target/benchmarks.jar \
 *     'jmh.DeltaCommitBenchmark' -rf json -rff delta-commit.json
 * }</pre>
 * Compare with an offsets-only history (tiny checkpoints): add {@code -p historyFilesPerCommit=0,8}.
 * Smoke run: {@code java -jar benchmarks/target/benchmarks.jar 'jmh.DeltaCommitBenchmark' -f 1 -wi 1 -i 2 -w 1s
 * -r 1s -p history=10 -p checkpoints=true}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-DINGESTER_LOG_LEVEL=WARN"})
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 5, time = 10)
public class DeltaCommitBenchmark {
  static final int PARTITIONS = 8;
  static final int RECORDS_PER_FILE = 1_000;

  /** Commits in the table's log before measuring. */
  @Param({"10", "1000", "10000"})
  public int history;

  @Param({"true", "false"})
  public boolean checkpoints;

  /** Add actions per set-up commit (0: offsets-only history, tiny checkpoints). */
  @Param({"8"})
  public int historyFilesPerCommit;

  private final Configuration conf = new Configuration();
  private Path root;
  private Path prepared;
  private Path work;
  private List<WrittenFile> templates;
  private DeltaTableGateway gateway;
  private long[] nextOffsets;
  private long firstVersion;
  private int iteration;
  // Filled by the per-invocation set-up, consumed by the commit.
  private List<WrittenFile> files;
  private List<OffsetUpdate> offsets;

  @Setup(Level.Trial)
  public void prepareTable() throws IOException {
    root = BenchSupport.tempDir("delta-commit-bench");
    prepared = BenchSupport.preparedTable(root.resolve("prepared"), conf, history, PARTITIONS, historyFilesPerCommit,
        checkpoints);
    templates = writeTemplates(root.resolve("templates"));
  }

  /** 8 small real Parquet files, one per partition, through the ingester's writer. */
  private List<WrittenFile> writeTemplates(Path dir) throws IOException {
    WriterMemoryBudget budget = new WriterMemoryBudget(64L << 20, 128L << 20);
    DataFileFactory factory = new DataFileFactory("file:" + dir.toAbsolutePath(), conf, Compression.SNAPPY,
        ValueFormat.STRING, budget, Clock.systemUTC());
    List<WrittenFile> out = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      PartitionFileWriter w = new PartitionFileWriter(BenchSupport.TOPIC, p, factory, new RollingPolicy(128L << 20));
      w.write(BenchSupport.iotRecords(BenchSupport.TOPIC, p, 0, RECORDS_PER_FILE, 200, p), java.time.Instant.now());
      out.addAll(w.completeFiles());
    }
    System.out.printf(Locale.ROOT, "[setup] %d template data files of %,d-%,d bytes%n", out.size(),
        out.stream().mapToLong(WrittenFile::sizeBytes).min().orElse(0),
        out.stream().mapToLong(WrittenFile::sizeBytes).max().orElse(0));
    return out;
  }

  @Setup(Level.Iteration)
  public void freshTable() {
    long t0 = System.nanoTime();
    work = root.resolve("work-" + (++iteration));
    linkLog(prepared, work);
    gateway = DeltaTableGateway.openOrCreate(work.toAbsolutePath().toString(), ValueFormat.STRING, conf);
    nextOffsets = BenchSupport.storedOffsets(gateway, PARTITIONS);
    firstVersion = gateway.version();
    try {
      Files.createDirectories(work.resolve(BronzeColumn.INGESTION_DATE + "=" + BenchSupport.today()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    System.out.printf(Locale.ROOT, "%n[iteration] fresh copy of the log at version %d, opened in %.2f s%n",
        firstVersion, BenchSupport.seconds(t0));
  }

  @Setup(Level.Invocation)
  public void nextFiles() throws IOException {
    LocalDate date = BenchSupport.today();
    Path dateDir = work.resolve(BronzeColumn.INGESTION_DATE + "=" + date);
    Files.createDirectories(dateDir);
    files = new ArrayList<>(PARTITIONS);
    offsets = new ArrayList<>(PARTITIONS);
    for (WrittenFile t : templates) {
      int p = t.partition();
      Path link = dateDir.resolve("part-" + UUID.randomUUID() + ".snappy.parquet");
      Files.createLink(link, Path.of(URI.create(t.path())));
      long from = nextOffsets[p];
      files.add(new WrittenFile(link.toUri().toString(), t.sizeBytes(), t.modificationTimeMillis(), date,
          BenchSupport.stats(p, from, from + RECORDS_PER_FILE - 1)));
      offsets.add(new OffsetUpdate(p, OptionalLong.of(from), from + RECORDS_PER_FILE, Optional.empty()));
    }
  }

  @Benchmark
  public long commit() {
    CommitOutcome outcome = gateway.commit(BenchSupport.APP_ID, BenchSupport.TOPIC, files, offsets);
    if (!(outcome instanceof CommitOutcome.Committed committed)) {
      throw new IllegalStateException("Commit was fenced: " + outcome);
    }
    for (OffsetUpdate u : offsets) {
      nextOffsets[u.partition()] = u.nextOffset();
    }
    return committed.version();
  }

  @TearDown(Level.Iteration)
  public void dropTable() {
    System.out.printf(Locale.ROOT, "[iteration] %d commits measured: versions %d..%d%n",
        gateway.version() - firstVersion, firstVersion + 1, gateway.version());
    BenchSupport.deleteRecursively(work);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    BenchSupport.deleteRecursively(root);
  }

  /**
   * Recreates the table's log under {@code to}: hard links for the log files, which Delta never rewrites,
   * copies for {@code _last_checkpoint} (and its Hadoop side file), which it overwrites in place.
   */
  static void linkLog(Path from, Path to) {
    Path fromLog = from.resolve("_delta_log");
    Path toLog = to.resolve("_delta_log");
    try (Stream<Path> files = Files.list(fromLog)) {
      Files.createDirectories(toLog);
      for (Path f : (Iterable<Path>) files::iterator) {
        Path target = toLog.resolve(f.getFileName());
        if (Files.isDirectory(f)) {
          BenchSupport.copyRecursively(f, target);
        } else if (f.getFileName().toString().contains("_last_checkpoint")) {
          Files.copy(f, target);
        } else {
          try {
            Files.createLink(target, f);
          } catch (IOException | UnsupportedOperationException e) {
            Files.copy(f, target); // e.g. KDI_BENCH_TABLE_CACHE on another file system
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
