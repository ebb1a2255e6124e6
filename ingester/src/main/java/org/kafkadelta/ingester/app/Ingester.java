package org.kafkadelta.ingester.app;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.kafkadelta.ingester.config.IngesterConfig;
import org.kafkadelta.ingester.config.Trigger;
import org.kafkadelta.ingester.coordinator.CommitCoordinator;
import org.kafkadelta.ingester.delta.DeltaTableGateway;
import org.kafkadelta.ingester.metrics.IngestionMetrics;
import org.kafkadelta.ingester.source.TopicSource;
import org.kafkadelta.ingester.worker.PartitionWorkers;
import org.kafkadelta.ingester.writer.DataFileFactory;
import org.kafkadelta.ingester.writer.PartitionFileWriter;
import org.kafkadelta.ingester.writer.RollingPolicy;
import org.kafkadelta.ingester.writer.WriterMemoryBudget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ingestion run: wires source → partition writers → commit coordinator → Delta table and drives the
 * poll loop until the trigger says stop (available-now: all partitions caught up) or {@link #requestStop()}
 * is called. The last step of every orderly stop is a commit of everything buffered.
 *
 * <p>{@link #run()} and {@link #close()} belong to one thread; {@link #requestStop()} may be called from any.
 */
public final class Ingester implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Ingester.class);
  /** Upper bound on one poll, so a stop request is noticed quickly without waking the consumer up. */
  private static final long MAX_POLL_MILLIS = 500;
  private static final long MIN_POLL_MILLIS = 20;
  /** Queued-but-unwritten record bytes allowed per writer thread before the poll loop waits. */
  private static final long IN_FLIGHT_BYTES_PER_THREAD = 16L << 20;

  private final IngesterConfig config;
  /** Opened in the background: Delta Kernel's start-up overlaps the consumer's. */
  private final CompletableFuture<DeltaTableGateway> table;
  private final CompletableFuture<DataFileFactory> files;
  private final TopicSource source;
  private final PartitionWorkers workers;
  private final CommitCoordinator coordinator;
  private final IngestionMetrics metrics = new IngestionMetrics();
  private volatile boolean stopRequested;

  private Ingester(IngesterConfig config, Clock clock) {
    this.config = config;
    // Hadoop's and Kernel's start-up (configuration parsing, file system, table) runs on another thread,
    // while this one creates the consumer and takes its partitions: they are the two halves of start-up.
    this.table = CompletableFuture.supplyAsync(() -> {
      Configuration hadoopConf = new Configuration();
      config.hadoopProperties().forEach(hadoopConf::set);
      return DeltaTableGateway.openOrCreate(config.tablePath(), config.valueFormat(), hadoopConf);
    });
    WriterMemoryBudget budget = new WriterMemoryBudget(config.writerMemoryBytes(), config.targetFileSizeBytes());
    this.files = table.thenApply(gateway -> new DataFileFactory(gateway.tablePath(), gateway.hadoopConf(),
        config.compression(), config.valueFormat(), budget, clock));
    RollingPolicy rolling = new RollingPolicy(config.targetFileSizeBytes());
    this.source = new TopicSource(config);
    this.workers = new PartitionWorkers(config.writerThreads(), IN_FLIGHT_BYTES_PER_THREAD * config.writerThreads(),
        tp -> new PartitionFileWriter(tp.topic(), tp.partition(), dataFiles(), rolling));
    this.coordinator = new CommitCoordinator(config, source, workers, this::openedTable, this::dataFiles, budget,
        metrics, clock);
  }

  /**
   * Starts opening (or creating) the table and creates the consumer. An incompatible table fails {@link #run()}
   * before any record is written.
   */
  public static Ingester create(IngesterConfig config, Clock clock) {
    return new Ingester(config, clock);
  }

  /**
   * Ingests until the trigger's end or a stop request, commits what is buffered, and returns what was
   * committed. A failure propagates; whatever was committed before it stays, and a restart resumes there.
   */
  public IngestionMetrics run() {
    LOG.info("Ingesting {} into {} as app {}: {}", config.topic(), config.tablePath(), config.appId(),
        config.describe());
    source.start(coordinator);
    while (!stopRequested) {
      if (table.isCompletedExceptionally()) {
        openedTable(); // rethrows why the table cannot be used
      }
      ConsumerRecords<byte[], byte[]> records = source.poll(Duration.ofMillis(pollMillis()));
      coordinator.accept(records);
      coordinator.updatePositions();
      if (config.trigger() == Trigger.AVAILABLE_NOW && coordinator.isCaughtUp()) {
        break;
      }
      if (coordinator.isCommitDue()) {
        coordinator.commit();
      }
    }
    coordinator.commit();
    return metrics;
  }

  /** Asks {@link #run()} to stop polling, commit what is buffered and return. Thread-safe. */
  public void requestStop() {
    stopRequested = true;
  }

  /** The table, waiting for it to be opened if need be; rethrows the reason it could not be. */
  private DeltaTableGateway openedTable() {
    return await(table);
  }

  private DataFileFactory dataFiles() {
    return await(files);
  }

  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }

  public IngestionMetrics metrics() {
    return metrics;
  }

  private long pollMillis() {
    if (config.trigger() == Trigger.AVAILABLE_NOW) {
      return MAX_POLL_MILLIS;
    }
    return Math.max(MIN_POLL_MILLIS, Math.min(MAX_POLL_MILLIS, coordinator.millisUntilIntervalCommit()));
  }

  @Override
  public void close() {
    try {
      source.close();
    } finally {
      workers.close();
      if (table.isDone() && !table.isCompletedExceptionally()) {
        table.join().close();
      }
    }
  }
}
