package org.kafkadelta.ingester.app;

import java.time.Clock;
import java.time.Duration;
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
  private final DeltaTableGateway table;
  private final TopicSource source;
  private final PartitionWorkers workers;
  private final CommitCoordinator coordinator;
  private final IngestionMetrics metrics = new IngestionMetrics();
  private volatile boolean stopRequested;

  private Ingester(IngesterConfig config, Clock clock) {
    this.config = config;
    Configuration hadoopConf = new Configuration();
    config.hadoopProperties().forEach(hadoopConf::set);
    this.table = DeltaTableGateway.openOrCreate(config.tablePath(), config.valueFormat(), hadoopConf);
    WriterMemoryBudget budget = new WriterMemoryBudget(config.writerMemoryBytes(), config.targetFileSizeBytes());
    DataFileFactory files = new DataFileFactory(table.tablePath(), hadoopConf, config.compression(),
        config.valueFormat(), budget);
    RollingPolicy rolling = new RollingPolicy(config.targetFileSizeBytes());
    this.source = new TopicSource(config);
    this.workers = new PartitionWorkers(config.writerThreads(), IN_FLIGHT_BYTES_PER_THREAD * config.writerThreads(),
        tp -> new PartitionFileWriter(tp.topic(), tp.partition(), files, rolling));
    this.coordinator = new CommitCoordinator(config, source, workers, table, files, budget, metrics, clock);
  }

  /** Opens (or creates) the table and the consumer. Fails fast on an incompatible table. */
  public static Ingester create(IngesterConfig config, Clock clock) {
    return new Ingester(config, clock);
  }

  /**
   * Ingests until the trigger's end or a stop request, commits what is buffered, and returns what was
   * committed. A failure propagates; whatever was committed before it stays, and a restart resumes there.
   */
  public IngestionMetrics run() {
    LOG.info("Ingesting {} into {} (table version {}) as app {}: {}", config.topic(), table.tablePath(),
        table.version(), config.appId(), config.describe());
    source.verifyTopicExists();
    source.subscribe(coordinator);
    while (!stopRequested) {
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
    }
  }
}
