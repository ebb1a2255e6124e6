package org.kafkadelta.benchmarks.jmh;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.kafkadelta.ingester.config.ValueFormat;
import org.kafkadelta.ingester.delta.DeltaTableGateway;
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
 * Cost of reading the stored Kafka offsets from a table with a long log, as the ingester does at start-up and
 * on every partition assignment.
 *
 * <ul>
 *   <li>{@code openAndRead}: start-up = {@link DeltaTableGateway#openOrCreate} (new Kernel engine, snapshot
 *       load, compatibility check) + {@link DeltaTableGateway#storedNextOffsets} for all {@code partitions}
 *       (which loads the latest snapshot again). In a warm JVM: class loading and JIT of a real cold start
 *       are not included (see {@code -bm ss} below for a closer look at the first calls).
 *   <li>{@code readOnOpenGateway}: a partition assignment on a running ingester =
 *       {@link DeltaTableGateway#storedNextOffsets} alone.
 * </ul>
 *
 * <p><b>Table.</b> Trial set-up ({@link BenchSupport#buildTable}) builds a bronze table with {@code commits}
 * commits made through the gateway's real commit path, each moving the offsets of all {@code partitions}
 * partitions and adding {@code historyFilesPerCommit} add actions (file names only; Kernel never opens data
 * files for this), with checkpoints on (Kernel's default interval of 10; the history itself is written with
 * checkpoints off and the latest checkpoint written at the end, which is all a reader uses), then prints how
 * long that took and what the log holds. Reads do not change the table, so all iterations see the same log.
 * {@code KDI_BENCH_TABLE_CACHE=/some/dir} in the environment keeps prepared tables for later runs (see
 * {@link DeltaCommitBenchmark}).
 * Each call checks it found every partition's offset.
 *
 * <p>Mode: average time, ms/op.
 * <p>Full run (4 table shapes × 2 methods, 40 s of measurement each; set-up ≈ 45 s per 1,000 commits on the
 * shared dev machine, once per shape with the cache directory, else once per shape AND method; the
 * 8-partition tables are the same as {@link DeltaCommitBenchmark}'s checkpointed ones):
 * <pre>{@code
 * KDI_BENCH_TABLE_CACHE=/var/tmp/kdi-bench-tables java -jar benchmarks/target/benchmarks.jar \
 *     'jmh.StoredOffsetsReadBenchmark' -rf json -rff stored-offsets.json
 * }</pre>
 * The first calls after set-up (classes loaded, code not hot yet): add {@code -bm ss -wi 0 -i 10}.
 * Smoke run: {@code java -jar benchmarks/target/benchmarks.jar 'jmh.StoredOffsetsReadBenchmark' -f 1 -wi 1 -i 2
 * -w 1s -r 1s -p commits=1000 -p partitions=8}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-DINGESTER_LOG_LEVEL=WARN"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class StoredOffsetsReadBenchmark {
  /** Commits in the table's log. */
  @Param({"1000", "10000"})
  public int commits;

  @Param({"8", "100"})
  public int partitions;

  /** Add actions per set-up commit. */
  @Param({"8"})
  public int historyFilesPerCommit;

  private final Configuration conf = new Configuration();
  private Path root;
  private String location;
  private List<Integer> partitionList;
  private DeltaTableGateway open;

  @Setup(Level.Trial)
  public void prepareTable() {
    root = BenchSupport.tempDir("stored-offsets-bench");
    Path table = BenchSupport.preparedTable(root.resolve("table"), conf, commits, partitions, historyFilesPerCommit,
        true);
    location = table.toAbsolutePath().toString();
    partitionList = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      partitionList.add(p);
    }
    open = DeltaTableGateway.openOrCreate(location, ValueFormat.STRING, conf);
    check(open.storedNextOffsets(BenchSupport.APP_ID, BenchSupport.TOPIC, partitionList));
  }

  @Benchmark
  public Map<Integer, Long> openAndRead() {
    DeltaTableGateway gateway = DeltaTableGateway.openOrCreate(location, ValueFormat.STRING, conf);
    return check(gateway.storedNextOffsets(BenchSupport.APP_ID, BenchSupport.TOPIC, partitionList));
  }

  @Benchmark
  public Map<Integer, Long> readOnOpenGateway() {
    return check(open.storedNextOffsets(BenchSupport.APP_ID, BenchSupport.TOPIC, partitionList));
  }

  private Map<Integer, Long> check(Map<Integer, Long> offsets) {
    if (offsets.size() != partitions) {
      throw new IllegalStateException("Read " + offsets.size() + " offsets, expected " + partitions);
    }
    return offsets;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    BenchSupport.deleteRecursively(root);
  }
}
