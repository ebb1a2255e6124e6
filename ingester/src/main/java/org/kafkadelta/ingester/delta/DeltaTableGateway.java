package org.kafkadelta.ingester.delta;

import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Operation;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.CommitStateUnknownException;
import io.delta.kernel.exceptions.ConcurrentWriteException;
import io.delta.kernel.exceptions.TableAlreadyExistsException;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.hook.PostCommitHook;
import io.delta.kernel.statistics.DataFileStatistics;
import io.delta.kernel.transaction.DataLayoutSpec;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.kafkadelta.ingester.IngesterException;
import org.kafkadelta.ingester.config.ValueFormat;
import org.kafkadelta.ingester.writer.BronzeColumn;
import org.kafkadelta.ingester.writer.FileStats;
import org.kafkadelta.ingester.writer.WrittenFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only door to the Delta table: creates or validates it, reads the stored Kafka offsets, and commits
 * data files together with the offsets they advance as ONE Delta version. No Kernel type crosses this
 * class's public API.
 *
 * <p>Offsets are domain metadata entries ({@link OffsetDomain}). A commit first checks that every offset
 * it moves still has the value it expects; Kernel then rejects the commit with a conflict if another writer
 * touched one of those domains concurrently. Either way the result is {@link CommitOutcome.Fenced}, never
 * an overwrite. Not thread-safe: used by the commit coordinator's thread only (checkpoints run on a thread of
 * its own).
 */
public final class DeltaTableGateway implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeltaTableGateway.class);
  static final String ENGINE_INFO = "kafka-delta-ingester/0.1.0";
  static final String DOMAIN_METADATA_FEATURE = "domainMetadata";
  private static final int MAX_COMMIT_ATTEMPTS = 10;

  private static final Duration CHECKPOINT_WAIT_ON_CLOSE = Duration.ofSeconds(3);

  private final Engine engine;
  private final Configuration hadoopConf;
  private final String tablePath;
  private final ExecutorService checkpoints = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "delta-checkpoint");
    t.setDaemon(true);
    return t;
  });
  private final AtomicBoolean checkpointRunning = new AtomicBoolean();
  private Snapshot snapshot;

  private DeltaTableGateway(Engine engine, Configuration hadoopConf, String tablePath, Snapshot snapshot) {
    this.engine = engine;
    this.hadoopConf = hadoopConf;
    this.tablePath = tablePath;
    this.snapshot = snapshot;
  }

  /**
   * Opens the bronze table at {@code location}, creating it (partitioned by ingestion_date, with the
   * domainMetadata feature) if there is none. Refuses a table whose schema, partitioning or features the
   * ingester cannot write, naming the difference.
   */
  public static DeltaTableGateway openOrCreate(String location, ValueFormat format, Configuration hadoopConf) {
    String path = qualify(location, hadoopConf);
    Engine engine = DefaultEngine.create(hadoopConf);
    Snapshot snapshot;
    long startNanos = System.nanoTime();
    try {
      snapshot = TableManager.loadSnapshot(path).build(engine);
    } catch (TableNotFoundException e) {
      snapshot = create(engine, path, format);
    }
    snapshot = TableCompatibility.check(engine, snapshot, format);
    LOG.info("Opened table {} at version {} in {} ms", path, snapshot.getVersion(),
        (System.nanoTime() - startNanos) / 1_000_000);
    return new DeltaTableGateway(engine, hadoopConf, path, snapshot);
  }

  /** The table's fully qualified location, e.g. {@code file:/data/bronze/events}. */
  public String tablePath() {
    return tablePath;
  }

  /** The Hadoop configuration the table is accessed with; data files are written with the same one. */
  public Configuration hadoopConf() {
    return hadoopConf;
  }

  public long version() {
    return snapshot.getVersion();
  }

  /**
   * Reads the latest table version and returns the next offset to read for each of {@code partitions}
   * that has one stored; partitions without an entry are absent from the result.
   */
  public Map<Integer, Long> storedNextOffsets(String appId, String topic, Collection<Integer> partitions) {
    snapshot = loadLatest();
    Map<Integer, Long> out = new TreeMap<>();
    for (int p : partitions) {
      OptionalLong stored = storedNextOffset(snapshot, appId, topic, p);
      if (stored.isPresent()) {
        out.put(p, stored.getAsLong());
      }
    }
    return out;
  }

  /**
   * Commits {@code files} and {@code offsets} as one table version.
   *
   * @return {@link CommitOutcome.Committed}, or {@link CommitOutcome.Fenced} if another writer moved one of
   *     the offsets (then nothing was committed)
   * @throws IngesterException if the commit failed for another reason; whether it landed is then decided
   *     by the table on restart, which reads the offsets back
   */
  public CommitOutcome commit(String appId, String topic, List<WrittenFile> files, List<OffsetUpdate> offsets) {
    for (int attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt++) {
      Map<Integer, OptionalLong> moved = movedOffsets(snapshot, appId, topic, offsets);
      if (!moved.isEmpty()) {
        return new CommitOutcome.Fenced(moved);
      }
      Transaction txn = snapshot.buildUpdateTableTransaction(ENGINE_INFO, Operation.STREAMING_UPDATE).build(engine);
      for (OffsetUpdate u : offsets) {
        txn.addDomainMetadata(OffsetDomain.name(appId, topic, u.partition()),
            OffsetDomain.encode(u.nextOffset(), u.skipped()));
      }
      List<Row> actions = appendActions(txn, files);
      try {
        TransactionCommitResult result = txn.commit(engine, CloseableIterable.inMemoryIterable(iterator(actions)));
        snapshot = runPostCommitHooks(result);
        return new CommitOutcome.Committed(result.getVersion());
      } catch (ConcurrentWriteException e) {
        LOG.info("Commit attempt {} to {} conflicted with another writer ({}); re-reading the table",
            attempt, tablePath, e.getMessage());
        snapshot = loadLatest();
      } catch (CommitStateUnknownException e) {
        snapshot = loadLatest();
        if (landed(snapshot, appId, topic, offsets)) {
          LOG.info("Commit to {} whose outcome was unknown did land: table version {} holds its offsets",
              tablePath, snapshot.getVersion());
          return new CommitOutcome.Committed(snapshot.getVersion());
        }
        LOG.info("Commit to {} whose outcome was unknown did not land; retrying", tablePath);
      }
    }
    throw new IngesterException("Cannot commit to " + tablePath + ": " + MAX_COMMIT_ATTEMPTS
        + " attempts in a row conflicted with other writers. Check that no other job writes this table's"
        + " metadata in a tight loop; restarting resumes safely from the table's offsets.");
  }

  private static Snapshot create(Engine engine, String path, ValueFormat format) {
    try {
      TransactionCommitResult result =
          TableManager.buildCreateTableTransaction(path, BronzeTableSchema.of(format), ENGINE_INFO)
              .withDataLayoutSpec(DataLayoutSpec.partitioned(List.of(new Column(BronzeColumn.INGESTION_DATE))))
              .withTableProperties(Map.of("delta.feature." + DOMAIN_METADATA_FEATURE, "supported"))
              .build(engine)
              .commit(engine, CloseableIterable.emptyIterable());
      LOG.info("Created Delta table {} (value format {})", path, format.name().toLowerCase(java.util.Locale.ROOT));
      return afterCommit(engine, path, result);
    } catch (TableAlreadyExistsException e) {
      LOG.info("Table {} was created concurrently by another writer; using it", path);
      return TableManager.loadSnapshot(path).build(engine);
    }
  }

  /**
   * Runs a commit's post-commit hooks inline and returns the snapshot to continue from. Every commit must
   * get its hooks run: a version without its checksum file makes each later commit rebuild the checksum by
   * replaying the whole log.
   */
  static Snapshot afterCommit(Engine engine, String path, TransactionCommitResult result) {
    for (PostCommitHook hook : result.getPostCommitHooks()) {
      invokeBestEffort(engine, path, result.getVersion(), hook);
    }
    return result.getPostCommitSnapshot().orElseGet(() -> TableManager.loadSnapshot(path).build(engine));
  }

  private static void invokeBestEffort(Engine engine, String path, long version, PostCommitHook hook) {
    try {
      hook.threadSafeInvoke(engine);
    } catch (IOException | RuntimeException e) {
      // Checkpoints and checksums only speed up readers; the commit itself is durable.
      LOG.warn("Post-commit step {} for version {} of {} failed (the commit stands; a later one retries): {}",
          hook.getType(), version, path, e.toString());
    }
  }

  private List<Row> appendActions(Transaction txn, List<WrittenFile> files) {
    Row txnState = txn.getTransactionState(engine);
    Map<LocalDate, List<WrittenFile>> byDate = files.stream()
        .collect(Collectors.groupingBy(WrittenFile::ingestionDate, TreeMap::new, Collectors.toList()));
    List<Row> actions = new ArrayList<>();
    for (Map.Entry<LocalDate, List<WrittenFile>> e : byDate.entrySet()) {
      DataWriteContext context = Transaction.getWriteContext(engine, txnState,
          Map.of(BronzeColumn.INGESTION_DATE, Literal.ofDate((int) e.getKey().toEpochDay())));
      List<DataFileStatus> statuses = e.getValue().stream().map(DeltaTableGateway::dataFileStatus).toList();
      try (CloseableIterator<Row> rows =
          Transaction.generateAppendActions(engine, txnState, iterator(statuses), context)) {
        rows.forEachRemaining(actions::add);
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
    }
    return actions;
  }

  private static DataFileStatus dataFileStatus(WrittenFile file) {
    FileStats s = file.stats();
    Map<Column, Literal> min = new HashMap<>();
    Map<Column, Literal> max = new HashMap<>();
    Map<Column, Long> nulls = new HashMap<>();
    Column offset = new Column(BronzeColumn.OFFSET);
    min.put(offset, Literal.ofLong(s.minOffset()));
    max.put(offset, Literal.ofLong(s.maxOffset()));
    nulls.put(offset, 0L);
    Column partition = new Column(BronzeColumn.PARTITION);
    min.put(partition, Literal.ofInt(s.partition()));
    max.put(partition, Literal.ofInt(s.partition()));
    nulls.put(partition, 0L);
    Column eventTime = new Column(BronzeColumn.EVENT_ENQUEUED_TIMESTAMP);
    s.minEventTimestampMicros().ifPresent(v -> min.put(eventTime, Literal.ofTimestamp(v)));
    s.maxEventTimestampMicros().ifPresent(v -> max.put(eventTime, Literal.ofTimestamp(v)));
    nulls.put(eventTime, s.nullEventTimestamps());
    Column ingestionTime = new Column(BronzeColumn.INGESTION_TIMESTAMP);
    min.put(ingestionTime, Literal.ofTimestamp(s.minIngestionTimestampMicros()));
    max.put(ingestionTime, Literal.ofTimestamp(s.maxIngestionTimestampMicros()));
    nulls.put(ingestionTime, 0L);
    nulls.put(new Column(BronzeColumn.KEY), s.nullKeys());
    DataFileStatistics stats = new DataFileStatistics(s.numRecords(), min, max, nulls, Optional.empty());
    return new DataFileStatus(file.path(), file.sizeBytes(), file.modificationTimeMillis(), Optional.of(stats));
  }

  /**
   * Runs the commit's post-commit hooks and returns the snapshot to continue from. Checkpoints (every
   * {@code delta.checkpointInterval} commits; they grow with the table) go to a background thread so they do
   * not stall ingestion; one is skipped if the previous is still being written. Checksums run inline.
   */
  private Snapshot runPostCommitHooks(TransactionCommitResult result) {
    long version = result.getVersion();
    boolean fullChecksum = false;
    for (PostCommitHook hook : result.getPostCommitHooks()) {
      if (hook.getType() == PostCommitHook.PostCommitHookType.CHECKPOINT) {
        if (checkpointRunning.compareAndSet(false, true)) {
          checkpoints.execute(() -> {
            try {
              invokeBestEffort(engine, tablePath, version, hook);
            } finally {
              checkpointRunning.set(false);
            }
          });
        } else {
          LOG.info("Skipping the checkpoint of version {} of {}: the previous one is still being written",
              version, tablePath);
        }
      } else {
        fullChecksum |= hook.getType() == PostCommitHook.PostCommitHookType.CHECKSUM_FULL;
        invokeBestEffort(engine, tablePath, version, hook);
      }
    }
    // After a full checksum the post-commit snapshot still lacks it; a fresh one picks up the checksum file.
    Optional<Snapshot> postCommit = result.getPostCommitSnapshot();
    return fullChecksum || postCommit.isEmpty() ? loadLatest() : postCommit.get();
  }

  /** Waits briefly for a checkpoint being written, so an orderly stop does not cut it short. */
  @Override
  public void close() {
    checkpoints.shutdown();
    try {
      if (!checkpoints.awaitTermination(CHECKPOINT_WAIT_ON_CLOSE.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("A checkpoint of {} is still being written after {}; not waiting for it (readers fall back to"
            + " the previous checkpoint and the JSON log)", tablePath, CHECKPOINT_WAIT_ON_CLOSE);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Partitions whose stored offset is no longer what the update expects, with the table's value. */
  private static Map<Integer, OptionalLong> movedOffsets(Snapshot s, String appId, String topic,
      List<OffsetUpdate> offsets) {
    Map<Integer, OptionalLong> moved = new TreeMap<>();
    for (OffsetUpdate u : offsets) {
      OptionalLong stored = storedNextOffset(s, appId, topic, u.partition());
      if (!stored.equals(u.expectedNextOffset())) {
        moved.put(u.partition(), stored);
      }
    }
    return moved;
  }

  private static boolean landed(Snapshot s, String appId, String topic, List<OffsetUpdate> offsets) {
    for (OffsetUpdate u : offsets) {
      if (!storedNextOffset(s, appId, topic, u.partition()).equals(OptionalLong.of(u.nextOffset()))) {
        return false;
      }
    }
    return !offsets.isEmpty();
  }

  private static OptionalLong storedNextOffset(Snapshot s, String appId, String topic, int partition) {
    String domain = OffsetDomain.name(appId, topic, partition);
    Optional<String> config = s.getDomainMetadata(domain);
    return config.isPresent()
        ? OptionalLong.of(OffsetDomain.decodeNextOffset(domain, config.get()))
        : OptionalLong.empty();
  }

  private Snapshot loadLatest() {
    return TableManager.loadSnapshot(tablePath).build(engine);
  }

  /** The fully qualified form of a table location, e.g. {@code file:/data/t} for {@code /data/t}. */
  public static String qualify(String location, Configuration conf) {
    try {
      Path p = new Path(location);
      return p.getFileSystem(conf).makeQualified(p).toString();
    } catch (IOException | IllegalArgumentException e) {
      throw new IngesterException("Cannot open table location '" + location + "': " + e.getMessage()
          + ". Give a local path or a file: URI.", e);
    } catch (RuntimeException e) {
      if (e.getCause() instanceof ClassNotFoundException missing) {
        // Hadoop knows the scheme (fs.<scheme>.impl) but its connector is not on the class path.
        throw new IngesterException("Table location '" + location + "' needs a Hadoop file system that this"
            + " jar does not include (" + missing.getMessage() + "). The fat jar writes local tables only"
            + " for now: give a local path or a file: URI.", e);
      }
      throw e;
    }
  }

  private static <T> CloseableIterator<T> iterator(List<T> items) {
    return io.delta.kernel.internal.util.Utils.toCloseableIterator(items.iterator());
  }
}
