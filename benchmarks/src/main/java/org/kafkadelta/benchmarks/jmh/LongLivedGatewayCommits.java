package org.kafkadelta.benchmarks.jmh;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.kafkadelta.benchmarks.KeyValueArgs;
import org.kafkadelta.ingester.config.ValueFormat;
import org.kafkadelta.ingester.delta.CommitOutcome;
import org.kafkadelta.ingester.delta.DeltaTableGateway;
import org.kafkadelta.ingester.delta.OffsetUpdate;
import org.kafkadelta.ingester.writer.BronzeColumn;
import org.kafkadelta.ingester.writer.WrittenFile;

/**
 * Not a JMH benchmark: a plain main that shows how the commit latency of ONE long-lived
 * {@link DeltaTableGateway} evolves over many commits, which JMH's fresh-table-per-iteration set-up hides.
 *
 * <p>Two ways to get the gateway, on a new table in a temp dir, checkpoints at Kernel's default (every 10):
 * <ul>
 *   <li>{@code created}: the gateway that created the table ({@code openOrCreate} on an empty directory) makes
 *       every commit: what a continuously running ingester does on its very first run.
 *   <li>{@code reopened}: the same, but the gateway is opened again after the first commit: what any
 *       restarted ingester does.
 * </ul>
 * Each commit adds 8 add actions (file names only, the files do not exist: Kernel does not open them) and
 * moves 8 partitions' offsets. Prints the mean and max commit latency of every block of commits.
 *
 * <p>With Delta Kernel 4.4 the {@code created} gateway never gets a CRC-backed snapshot: the table is
 * created without running the create commit's post-commit hooks, so version 0 has no {@code .crc}, every
 * commit then falls back to Kernel's ChecksumFullHook (a log replay to compute the CRC) and its offset check
 * reads domain metadata by replaying every commit since the gateway opened: latency grows linearly with the
 * commits made since start. {@code reopened} stays flat (apart from checkpoints growing with the table).
 *
 * <p>Run: {@code java -DINGESTER_LOG_LEVEL=WARN -cp benchmarks/target/benchmarks.jar
 * org.kafkadelta.benchmarks.jmh.LongLivedGatewayCommits [commits=2000] [mode=created|reopened] [block=200]}
 */
public final class LongLivedGatewayCommits {
  private LongLivedGatewayCommits() {}

  public static void main(String[] args) {
    int commits = 2000;
    String mode = "created";
    int block = 200;
    for (String[] kv : KeyValueArgs.pairs(args, "commits, mode, block")) {
      switch (kv[0]) {
        case "commits" -> commits = Integer.parseInt(kv[1].replace("_", ""));
        case "mode" -> mode = kv[1];
        case "block" -> block = Integer.parseInt(kv[1]);
      }
    }
    if (!mode.equals("created") && !mode.equals("reopened")) {
      throw new IllegalArgumentException("mode must be created or reopened, got " + mode);
    }
    Path dir = BenchSupport.tempDir("long-lived-gateway");
    Configuration conf = new Configuration();
    String location = dir.toAbsolutePath().toString();
    try {
      DeltaTableGateway gateway = DeltaTableGateway.openOrCreate(location, ValueFormat.STRING, conf);
      String dateDir = gateway.tablePath() + "/" + BronzeColumn.INGESTION_DATE + "=" + BenchSupport.today();
      long[] next = new long[8];
      Arrays.fill(next, -1);
      long sum = 0;
      long max = 0;
      long start = System.nanoTime();
      for (int c = 1; c <= commits; c++) {
        List<OffsetUpdate> offsets = new ArrayList<>();
        List<WrittenFile> files = new ArrayList<>();
        for (int p = 0; p < 8; p++) {
          long from = Math.max(0, next[p]);
          offsets.add(new OffsetUpdate(p, next[p] < 0 ? OptionalLong.empty() : OptionalLong.of(next[p]),
              from + 1000, Optional.empty()));
          files.add(new WrittenFile(dateDir + "/part-" + UUID.randomUUID() + ".snappy.parquet", 4L << 20,
              System.currentTimeMillis(), BenchSupport.today(), BenchSupport.stats(p, from, from + 999)));
        }
        long t0 = System.nanoTime();
        CommitOutcome outcome = gateway.commit(BenchSupport.APP_ID, BenchSupport.TOPIC, files, offsets);
        long took = System.nanoTime() - t0;
        if (!(outcome instanceof CommitOutcome.Committed)) {
          throw new IllegalStateException("Commit " + c + " was not committed: " + outcome);
        }
        for (int p = 0; p < 8; p++) {
          next[p] = Math.max(0, next[p]) + 1000;
        }
        if (c == 1 && mode.equals("reopened")) {
          gateway = DeltaTableGateway.openOrCreate(location, ValueFormat.STRING, conf);
        }
        sum += took;
        max = Math.max(max, took);
        if (c % block == 0) {
          System.out.printf(Locale.ROOT, "%s: commits %,6d-%,6d: mean %6.1f ms, max %7.1f ms (%.0f s so far)%n",
              mode, c - block + 1, c, sum / 1e6 / block, max / 1e6, BenchSupport.seconds(start));
          sum = 0;
          max = 0;
        }
      }
    } finally {
      BenchSupport.deleteRecursively(dir);
    }
  }
}
