package org.kafkadelta.benchmarks.jmh;

import io.delta.kernel.Operation;
import io.delta.kernel.Table;
import io.delta.kernel.TableManager;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.hook.PostCommitHook;
import io.delta.kernel.transaction.DataLayoutSpec;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.kafkadelta.ingester.config.ValueFormat;
import org.kafkadelta.ingester.delta.CommitOutcome;
import org.kafkadelta.ingester.delta.DeltaTableGateway;
import org.kafkadelta.ingester.delta.OffsetUpdate;
import org.kafkadelta.ingester.writer.BronzeColumn;
import org.kafkadelta.ingester.writer.FileStats;
import org.kafkadelta.ingester.writer.WrittenFile;
import org.kafkadelta.testkit.Directories;
import org.kafkadelta.testkit.IotEvents;

/** Shared set-up code of the JMH benchmarks: sample records, bronze tables with a long log, temp dirs. */
final class BenchSupport {
  static final String APP_ID = "bench-app";
  static final String TOPIC = "iot-events";
  /** The gateway's engine info, so that tables created here look like the ingester's own. */
  private static final String ENGINE_INFO = "kafka-delta-ingester/0.1.0";
  /** Kernel validates {@code delta.checkpointInterval} as a positive int: this effectively turns checkpoints off. */
  static final String NO_CHECKPOINTS_INTERVAL = String.valueOf(Integer.MAX_VALUE);

  private BenchSupport() {}

  // ---------------------------------------------------------------- records

  /**
   * {@code count} records of {@code partition} with offsets {@code firstOffset..}, keyed by IoT device id,
   * whose values are IoT JSON events of about {@code valueBytes} bytes: the {@link IotEvents} event (~200 B),
   * padded for larger sizes with a {@code "samples"} array of pseudo-random readings (so that the payload
   * compresses like real telemetry, not like a run of one repeated byte). Each record carries a
   * CreateTime timestamp and its serialized sizes, as the consumer hands them out; no headers.
   */
  static List<ConsumerRecord<byte[], byte[]>> iotRecords(String topic, int partition, long firstOffset, int count,
      int valueBytes, long seed) {
    IotEvents events = new IotEvents(seed);
    SplittableRandom random = new SplittableRandom(seed);
    long timestamp = IotEvents.DEFAULT_START.toEpochMilli();
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] key = events.key(i);
      byte[] value = pad(events.value(i), valueBytes, random);
      out.add(new ConsumerRecord<>(topic, partition, firstOffset + i, timestamp + i * 10L, org.apache.kafka.common.record.TimestampType.CREATE_TIME,
          key.length, value.length, key, value, new RecordHeaders(), Optional.empty()));
    }
    return out;
  }

  private static byte[] pad(byte[] event, int valueBytes, SplittableRandom random) {
    if (event.length >= valueBytes - 16) {
      return event;
    }
    StringBuilder json = new StringBuilder(valueBytes + 16);
    json.append(new String(event, 0, event.length - 1, StandardCharsets.UTF_8)).append(",\"samples\":[");
    boolean first = true;
    while (json.length() < valueBytes - 8) {
      if (!first) {
        json.append(',');
      }
      first = false;
      int centi = 1500 + random.nextInt(1500);
      json.append(centi / 100).append('.').append(centi % 100 < 10 ? "0" : "").append(centi % 100);
    }
    json.append("]}");
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }

  static double averageValueBytes(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream().mapToInt(r -> r.value().length).average().orElse(0);
  }

  // ---------------------------------------------------------------- tables

  /**
   * The bronze table's Delta schema, as {@code org.kafkadelta.ingester.delta.BronzeTableSchema} (package-private)
   * derives it from {@link BronzeColumn#tableColumns}.
   */
  static StructType bronzeSchema(ValueFormat format) {
    StructType schema = new StructType();
    for (BronzeColumn column : BronzeColumn.tableColumns(format)) {
      schema = schema.add(column.name(), deltaType(column.type()), true);
    }
    return schema;
  }

  private static DataType deltaType(BronzeColumn.Type type) {
    return switch (type) {
      case STRING -> StringType.STRING;
      case BINARY -> BinaryType.BINARY;
      case INT -> IntegerType.INTEGER;
      case LONG -> LongType.LONG;
      case TIMESTAMP -> TimestampType.TIMESTAMP;
      case DATE -> DateType.DATE;
      case HEADERS -> new ArrayType(new StructType()
          .add(BronzeColumn.HEADER_KEY, StringType.STRING, true)
          .add(BronzeColumn.HEADER_VALUE, BinaryType.BINARY, true), true);
    };
  }

  /** Environment variable naming a directory where prepared tables are kept and reused across runs and forks. */
  static final String TABLE_CACHE_ENV = "KDI_BENCH_TABLE_CACHE";
  private static final String READY_MARKER = ".bench-table-ready";

  /**
   * Returns the directory of a table built by {@link #buildTable} with these settings: {@code scratch}, built
   * now; or, when the environment variable {@value #TABLE_CACHE_ENV} names a directory, a table kept there
   * from an earlier trial or run with the same settings (built there first if missing). Callers must not
   * modify the returned table. Prints how long it took and what the log holds.
   */
  static Path preparedTable(Path scratch, Configuration conf, int commits, int partitions, int filesPerCommit,
      boolean checkpoints) {
    String cache = System.getenv(TABLE_CACHE_ENV);
    Path dir = scratch;
    if (cache != null && !cache.isBlank()) {
      dir = Path.of(cache).resolve(String.format(Locale.ROOT, "bronze-v1-commits%d-partitions%d-files%d-%s", commits,
          partitions, filesPerCommit, checkpoints ? "checkpoints" : "nocheckpoints"));
      if (Files.exists(dir.resolve(READY_MARKER))) {
        System.out.printf(Locale.ROOT, "%n[setup] reusing the table in %s (%s); _delta_log: %s%n", dir,
            TABLE_CACHE_ENV, describeLog(dir));
        return dir;
      }
      deleteRecursively(dir); // an incomplete build
    }
    long t0 = System.nanoTime();
    DeltaTableGateway gateway = buildTable(dir, conf, commits, partitions, filesPerCommit, checkpoints);
    System.out.printf(Locale.ROOT, "%n[setup] table with %,d history commits of %d partitions' offsets (%d add"
        + " actions each, checkpoints %s) built in %.1f s; version %d; _delta_log: %s%n", commits, partitions,
        filesPerCommit, checkpoints ? "every 10" : "off", seconds(t0), gateway.version(), describeLog(dir));
    if (dir != scratch) {
      try {
        Files.createFile(dir.resolve(READY_MARKER));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dir;
  }

  /**
   * Builds a bronze table at {@code dir} with {@code commits} commits of history and opens it through the
   * gateway, as a restarted ingester would find it. Fast path, same end state as the ingester's own history
   * except for the checkpoint files of past versions (only the latest checkpoint is ever read):
   *
   * <ol>
   *   <li>The table is created here through Kernel exactly as {@code DeltaTableGateway.openOrCreate} creates it
   *       (same schema, partitioning, domainMetadata feature), plus {@code delta.checkpointInterval=2147483647}
   *       while the history is written, and the create commit's post-commit hooks are run (version 0 gets its
   *       CRC file; the gateway's own create does not run them, see the report).
   *   <li>{@code commits} commits through the gateway's real commit path ({@link #appendHistory}).
   *   <li>With {@code checkpoints}: one more commit sets {@code delta.checkpointInterval=10} (Kernel's default)
   *       and a checkpoint of that version is written, as the every-10-commits hook would have left it.
   * </ol>
   *
   * @return the gateway, freshly opened on the finished table
   */
  static DeltaTableGateway buildTable(Path dir, Configuration conf, int commits, int partitions, int filesPerCommit,
      boolean checkpoints) {
    String location = dir.toAbsolutePath().toString();
    String path = DeltaTableGateway.qualify(location, conf);
    Engine engine = DefaultEngine.create(conf);
    TransactionCommitResult created = TableManager
        .buildCreateTableTransaction(path, bronzeSchema(ValueFormat.STRING), ENGINE_INFO)
        .withDataLayoutSpec(DataLayoutSpec.partitioned(List.of(new Column(BronzeColumn.INGESTION_DATE))))
        .withTableProperties(Map.of(
            "delta.feature.domainMetadata", "supported",
            "delta.checkpointInterval", NO_CHECKPOINTS_INTERVAL))
        .build(engine)
        .commit(engine, CloseableIterable.emptyIterable());
    runHooks(engine, created);
    DeltaTableGateway gateway = DeltaTableGateway.openOrCreate(location, ValueFormat.STRING, conf);
    long[] offsets = new long[partitions];
    Arrays.fill(offsets, -1);
    appendHistory(gateway, commits, partitions, filesPerCommit, 1_000, offsets);
    if (checkpoints) {
      TransactionCommitResult enabled = TableManager.loadSnapshot(path).build(engine)
          .buildUpdateTableTransaction(ENGINE_INFO, Operation.MANUAL_UPDATE)
          .withTablePropertiesAdded(Map.of("delta.checkpointInterval", "10"))
          .build(engine)
          .commit(engine, CloseableIterable.emptyIterable());
      runHooks(engine, enabled);
      try {
        Table.forPath(engine, path).checkpoint(engine, enabled.getVersion());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return DeltaTableGateway.openOrCreate(location, ValueFormat.STRING, conf);
  }

  private static void runHooks(Engine engine, TransactionCommitResult result) {
    for (PostCommitHook hook : result.getPostCommitHooks()) {
      try {
        hook.threadSafeInvoke(engine);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Makes {@code commits} commits through the gateway's real commit path (post-commit hooks included: CRC
   * files, and checkpoints if the table has them), each moving the offsets of every one of {@code partitions}
   * by {@code recordsPerCommit} and adding {@code filesPerCommit} add actions. Those add actions name data
   * files that do not exist (Kernel never opens data files to commit, checkpoint or read offsets), so that
   * checkpoints grow like a real table's while set-up writes no data.
   *
   * @param nextOffsets in: the table's offsets (-1: none yet); out: the offsets after the last commit
   */
  static void appendHistory(DeltaTableGateway gateway, int commits, int partitions, int filesPerCommit,
      long recordsPerCommit, long[] nextOffsets) {
    String dateDir = gateway.tablePath() + "/" + BronzeColumn.INGESTION_DATE + "=" + today();
    long t0 = System.nanoTime();
    for (int c = 0; c < commits; c++) {
      if (c > 0 && c % 1000 == 0) {
        System.out.printf(Locale.ROOT, "[setup] %,d of %,d history commits in %.0f s%n", c, commits, seconds(t0));
      }
      List<OffsetUpdate> offsets = new ArrayList<>(partitions);
      for (int p = 0; p < partitions; p++) {
        long from = Math.max(0, nextOffsets[p]);
        offsets.add(new OffsetUpdate(p, nextOffsets[p] < 0 ? OptionalLong.empty() : OptionalLong.of(nextOffsets[p]),
            from + recordsPerCommit, Optional.empty()));
      }
      List<WrittenFile> files = new ArrayList<>(filesPerCommit);
      for (int f = 0; f < filesPerCommit; f++) {
        int p = f % partitions;
        long from = Math.max(0, nextOffsets[p]);
        files.add(new WrittenFile(dateDir + "/part-" + UUID.randomUUID() + ".snappy.parquet", 4L << 20,
            System.currentTimeMillis(), today(), stats(p, from, from + recordsPerCommit - 1)));
      }
      CommitOutcome outcome = gateway.commit(APP_ID, TOPIC, files, offsets);
      if (!(outcome instanceof CommitOutcome.Committed)) {
        throw new IllegalStateException("Set-up commit " + c + " was not committed: " + outcome);
      }
      for (int p = 0; p < partitions; p++) {
        nextOffsets[p] = Math.max(0, nextOffsets[p]) + recordsPerCommit;
      }
    }
  }

  /** Plausible statistics for a file of {@code partition} holding offsets {@code min..max}. */
  static FileStats stats(int partition, long min, long max) {
    long micros = Instant.now().toEpochMilli() * 1000L;
    return new FileStats(max - min + 1, min, max, partition, OptionalLong.of(micros - 60_000_000L),
        OptionalLong.of(micros), micros, micros, 0, 0, 0, 0, 0);
  }

  static LocalDate today() {
    return LocalDate.now(ZoneOffset.UTC);
  }

  /** The gateway's stored offsets as an array indexed by partition (-1: none). */
  static long[] storedOffsets(DeltaTableGateway gateway, int partitions) {
    long[] out = new long[partitions];
    Arrays.fill(out, -1);
    List<Integer> all = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      all.add(p);
    }
    gateway.storedNextOffsets(APP_ID, TOPIC, all).forEach((p, o) -> out[p] = o);
    return out;
  }

  // ---------------------------------------------------------------- files

  static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes {@code root} and everything under it; a missing {@code root} is not an error. */
  static void deleteRecursively(Path root) {
    try {
      Directories.deleteRecursively(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies the tree {@code from} to {@code to} (which must not exist), file by file. */
  static void copyRecursively(Path from, Path to) {
    try {
      Files.walkFileTree(from, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
          Files.createDirectories(to.resolve(from.relativize(dir)));
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.copy(file, to.resolve(from.relativize(file)), StandardCopyOption.COPY_ATTRIBUTES);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Counts the files directly in {@code dir} by kind (commit json, CRC, checkpoint, Hadoop .crc sidecars). */
  static String describeLog(Path tableDir) {
    Map<String, Integer> kinds = new HashMap<>();
    long bytes = 0;
    try (var files = Files.list(tableDir.resolve("_delta_log"))) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String n = f.getFileName().toString();
        String kind = n.startsWith(".") ? "hadoop-crc-sidecar" : n.endsWith(".json") ? "commit-json"
            : n.endsWith(".crc") ? "delta-crc" : n.contains(".checkpoint") ? "checkpoint" : "other";
        kinds.merge(kind, 1, Integer::sum);
        if (n.contains(".checkpoint") && !n.startsWith(".")) {
          bytes = Math.max(bytes, Files.size(f));
        }
      }
    } catch (IOException e) {
      return "(cannot list _delta_log: " + e + ")";
    }
    return kinds + (bytes > 0 ? String.format(Locale.ROOT, ", largest checkpoint %,d bytes", bytes) : "");
  }

  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
