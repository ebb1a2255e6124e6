package org.kafkadelta.benchmarks.jmh;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.kafkadelta.ingester.config.Compression;
import org.kafkadelta.ingester.config.ValueFormat;
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
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Record → Parquet row encoding, compression and file writing through the ingester's real writer path
 * ({@link PartitionFileWriter} over {@link DataFileFactory}, with its {@link RollingPolicy} and
 * {@link WriterMemoryBudget}), on ONE thread, into a local temp directory. No Kafka, no Delta commit.
 *
 * <p><b>What one operation is.</b> Each benchmark invocation writes a pre-built batch of
 * {@value #BATCH} {@code ConsumerRecord<byte[],byte[]>} (one partition, IoT JSON values of about
 * {@code valueBytes} bytes, keyed by device id, with CreateTime timestamps and no headers) and is declared as
 * {@value #BATCH} operations ({@link OperationsPerInvocation}), so the score is <b>records/s</b>. Every
 * {@code batchesPerFile}-th invocation also closes the file ({@link PartitionFileWriter#completeFiles()}:
 * last row group flush, footer), so files are really finished and their cost is amortized over
 * {@code batchesPerFile × 10,000} records (default 100,000 records/file: ~6 MB (SNAPPY) / ~3 MB (ZSTD) files at
 * 200 B, ~110 MB / ~66 MB at 2 KB, i.e. below the 128 MiB default target size, so no mid-file roll). The same
 * batch is re-written each time:
 * {@link PartitionFileWriter#forgetWrittenOffsets()} is called first so the writer's "skip offsets already
 * written" guard does not drop it (a field store; the rows and their column values are the same as with fresh
 * offsets, and compression works per page, so the repetition 10,000 rows later does not help it).
 *
 * <p><b>Writer settings</b> as the ingester uses them with the defaults: target file size 128 MiB, a
 * writer-memory budget of 256 MiB shared by 8 expected open files (= 32 MiB row groups, what a 1 GiB heap and 8
 * partitions give), value format string ({@code raw_json}), a default Hadoop {@link Configuration} (local
 * file system, so Hadoop also writes its {@code .crc} side files, as in production on local disk).
 *
 * <p><b>Disk.</b> Finished files are deleted after every iteration ({@link Level#Iteration} tear-down, not
 * timed) and the temp directory at the end of the trial; one 10 s iteration writes at most ~1.5 GB
 * (java.io.tmpdir; pass {@code -jvmArgsPrepend -Djava.io.tmpdir=DIR} to measure another disk).
 *
 * <p><b>Allocation per record.</b> Run with {@code -prof gc}: JMH's {@code gc.alloc.rate.norm} is bytes
 * allocated per <i>operation</i>, and JMH counts {@code @OperationsPerInvocation} operations per call, so it is
 * already <b>bytes per record</b> (bytes per 10,000-record batch = norm × 10,000). (If you ever drop the
 * {@code @OperationsPerInvocation} annotation, norm becomes bytes per batch: divide by {@value #BATCH}.)
 * The trial tear-down prints the files written, their mean size and the compression ratio (value bytes in /
 * file bytes out).
 *
 * <p>Full run (all four combinations × 2 forks × 100 s ≈ 14 min; serially, on a quiet machine):
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar 'jmh.ParquetWriteBenchmark' -prof gc -rf json -rff parquet-write.json
 * }</pre>
 * Smoke run: {@code java -jar benchmarks/target/benchmarks.jar 'jmh.ParquetWriteBenchmark' -f 1 -wi 1 -i 2 -w 1s
 * -r 1s -p valueBytes=200 -p compression=SNAPPY -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-DINGESTER_LOG_LEVEL=WARN"})
@Warmup(iterations = 5, time = 10)
@Measurement(iterations = 5, time = 10)
public class ParquetWriteBenchmark {
  /** Records per benchmark invocation. */
  static final int BATCH = 10_000;
  private static final String TOPIC = BenchSupport.TOPIC;
  private static final int PARTITION = 3;
  private static final long TARGET_FILE_SIZE = 128L << 20;
  private static final long WRITER_MEMORY = 256L << 20;
  private static final int EXPECTED_OPEN_FILES = 8;

  /** Approximate value size in bytes: 200 = the plain IoT event, larger = padded with readings. */
  @Param({"200", "2048"})
  public int valueBytes;

  @Param({"SNAPPY", "ZSTD"})
  public Compression compression;

  /** Batches of 10,000 records per file before it is completed. */
  @Param({"10"})
  public int batchesPerFile;

  private Path dir;
  private PartitionFileWriter writer;
  private List<ConsumerRecord<byte[], byte[]>> batch;
  private long batchValueBytes;
  private Instant ingestionTime;
  private int batchesInFile;
  private final List<WrittenFile> finished = new ArrayList<>();
  private long filesWritten;
  private long fileBytesWritten;
  private long recordsInFinishedFiles;

  @Setup(Level.Trial)
  public void setUp() {
    dir = BenchSupport.tempDir("parquet-write-bench");
    Configuration conf = new Configuration();
    WriterMemoryBudget budget = new WriterMemoryBudget(WRITER_MEMORY, TARGET_FILE_SIZE);
    budget.expectOpenFiles(EXPECTED_OPEN_FILES);
    DataFileFactory files = new DataFileFactory("file:" + dir.toAbsolutePath(), conf, compression,
        ValueFormat.STRING, budget, Clock.systemUTC());
    writer = new PartitionFileWriter(TOPIC, PARTITION, files, new RollingPolicy(TARGET_FILE_SIZE));
    batch = BenchSupport.iotRecords(TOPIC, PARTITION, 0, BATCH, valueBytes, 42);
    batchValueBytes = batch.stream().mapToLong(r -> r.value().length + r.key().length).sum();
    ingestionTime = Instant.now();
    System.out.printf(Locale.ROOT,
        "%n[setup] %,d records/batch, mean value %.0f B, %s, file every %d batches, dir %s%n",
        BATCH, BenchSupport.averageValueBytes(batch), compression, batchesPerFile, dir);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int writeBatch() throws IOException {
    writer.forgetWrittenOffsets();
    writer.write(batch, ingestionTime);
    if (++batchesInFile < batchesPerFile) {
      return batchesInFile;
    }
    batchesInFile = 0;
    List<WrittenFile> done = writer.completeFiles();
    finished.addAll(done);
    return done.size();
  }

  /** Deletes the files finished during the iteration (the open one goes on into the next iteration). */
  @TearDown(Level.Iteration)
  public void deleteFinishedFiles() {
    for (WrittenFile f : finished) {
      filesWritten++;
      fileBytesWritten += f.sizeBytes();
      recordsInFinishedFiles += f.recordCount();
      Path p = Path.of(java.net.URI.create(f.path()));
      try {
        java.nio.file.Files.deleteIfExists(p);
        java.nio.file.Files.deleteIfExists(p.resolveSibling("." + p.getFileName() + ".crc"));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    finished.clear();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    writer.abort();
    if (filesWritten > 0) {
      double inPerRecord = (double) batchValueBytes / BATCH;
      double outPerRecord = (double) fileBytesWritten / recordsInFinishedFiles;
      System.out.printf(Locale.ROOT, "%n[teardown] %,d files finished, mean %.1f MB, %.1f B/record on disk,"
          + " key+value %.1f B/record in: compression ratio %.2f%n", filesWritten,
          fileBytesWritten / 1e6 / filesWritten, outPerRecord, inPerRecord, inPerRecord / outPerRecord);
    }
    BenchSupport.deleteRecursively(dir);
  }
}
