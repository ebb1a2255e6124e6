package org.kafkadelta.ingester.coordinator;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.kafkadelta.ingester.config.ByteSize;
import org.kafkadelta.ingester.config.IngesterConfig;
import org.kafkadelta.ingester.config.Trigger;
import org.kafkadelta.ingester.delta.CommitOutcome;
import org.kafkadelta.ingester.delta.DeltaTableGateway;
import org.kafkadelta.ingester.delta.OffsetUpdate;
import org.kafkadelta.ingester.metrics.IngestionMetrics;
import org.kafkadelta.ingester.source.PartitionListener;
import org.kafkadelta.ingester.source.TopicSource;
import org.kafkadelta.ingester.worker.PartitionWorkers;
import org.kafkadelta.ingester.writer.DataFileFactory;
import org.kafkadelta.ingester.writer.WriterMemoryBudget;
import org.kafkadelta.ingester.writer.WrittenFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves polled records to the partition writers and decides when and what to commit: every commit closes
 * the pending files of all changed partitions and records them, with each partition's next offset, in one
 * Delta version. Offsets come from the table on every assignment; the starting-offsets policy applies only
 * to partitions the table has no offset for.
 *
 * <p>The table and the data file factory (which needs the table's qualified location) are supplied
 * lazily: they are first needed when partitions are assigned, so opening the table can overlap the
 * consumer's start (its group join, or in available-now the end-offset lookup).
 *
 * <p>Runs on the polling thread only (rebalance callbacks included), so it needs no locking.
 */
public final class CommitCoordinator implements PartitionListener {
  private static final Logger LOG = LoggerFactory.getLogger(CommitCoordinator.class);

  private final IngesterConfig config;
  private final TopicSource source;
  private final PartitionWorkers workers;
  private final Supplier<DeltaTableGateway> table;
  private final Supplier<DataFileFactory> files;
  private final WriterMemoryBudget memoryBudget;
  private final IngestionMetrics metrics;
  private final Clock clock;
  private final CommitState state;
  private final Map<TopicPartition, PartitionProgress> progress = new LinkedHashMap<>();
  /** Closed files not yet in a commit, per partition. */
  private final Map<TopicPartition, List<WrittenFile>> completedFiles = new HashMap<>();
  private boolean assignmentSeen;

  public CommitCoordinator(IngesterConfig config, TopicSource source, PartitionWorkers workers,
      Supplier<DeltaTableGateway> table, Supplier<DataFileFactory> files, WriterMemoryBudget memoryBudget,
      IngestionMetrics metrics, Clock clock) {
    this.config = config;
    this.source = source;
    this.workers = workers;
    this.table = table;
    this.files = files;
    this.memoryBudget = memoryBudget;
    this.metrics = metrics;
    this.clock = clock;
    this.state = new CommitState(config.commitInterval(), config.maxRecordsPerCommit(), clock.millis());
  }

  /**
   * Hands each partition's records to its writer, stamped with one ingestion time. Records past the
   * per-commit cap or past the available-now end offset are not taken: the partition is sought back to
   * the first record not taken, so it is read again after the commit.
   */
  public void accept(ConsumerRecords<byte[], byte[]> records) {
    if (records.isEmpty()) {
      return;
    }
    Instant ingestionTime = clock.instant();
    for (TopicPartition tp : records.partitions()) {
      PartitionProgress p = progress.get(tp);
      if (p == null) {
        continue; // revoked during this poll: its records belong to the next owner
      }
      List<ConsumerRecord<byte[], byte[]>> batch = records.records(tp);
      long capacity = state.remainingCapacity();
      int take;
      if (batch.size() <= capacity && batch.get(batch.size() - 1).offset() < p.endOffset) {
        take = batch.size(); // the common case, without a look at every record
      } else {
        take = 0;
        while (take < batch.size() && take < capacity && batch.get(take).offset() < p.endOffset) {
          take++;
        }
      }
      if (take < batch.size()) {
        source.seek(tp, batch.get(take).offset());
      }
      if (take > 0) {
        List<ConsumerRecord<byte[], byte[]>> taken = take == batch.size() ? batch : batch.subList(0, take);
        workers.write(tp, taken, ingestionTime);
        p.pendingRecords += take;
        state.recordsAdded(take);
      }
    }
  }

  /**
   * Reads each partition's consumer position after a poll: it is the offset the next commit stores, and it
   * may be past the last record (transaction markers and compacted-away offsets leave gaps; a gap is not
   * data loss). In available-now mode, pauses partitions that reached their end offset.
   */
  public void updatePositions() {
    List<TopicPartition> toPause = new ArrayList<>();
    for (PartitionProgress p : progress.values()) {
      if (p.paused) {
        continue;
      }
      p.nextOffset = source.position(p.partition);
      if (p.isCaughtUp()) {
        p.paused = true;
        toPause.add(p.partition);
      }
    }
    if (!toPause.isEmpty()) {
      source.pause(toPause);
    }
  }

  /** Available-now: every assigned partition reached the end offset it had when assigned. */
  public boolean isCaughtUp() {
    return assignmentSeen && progress.values().stream().allMatch(PartitionProgress::isCaughtUp);
  }

  public boolean isCommitDue() {
    return state.isCapReached()
        || workers.anyFileRolled()
        || (state.isIntervalElapsed(clock.millis())
            && progress.values().stream().anyMatch(PartitionProgress::hasChanges));
  }

  /** How long the poll loop may block before a commit could become due. */
  public long millisUntilIntervalCommit() {
    return state.millisUntilDue(clock.millis());
  }

  /**
   * Commits the pending files and offsets of every changed partition as one Delta version, then the
   * consumer group offsets. A partition fenced by another writer loses its pending files and resumes from
   * the table's offset; the others are committed without it.
   */
  public void commit() {
    List<PartitionProgress> changed = progress.values().stream().filter(PartitionProgress::hasChanges)
        .collect(Collectors.toCollection(ArrayList::new));
    if (changed.isEmpty()) {
      state.committed(clock.millis());
      return;
    }
    // Finished files stay in completedFiles until a commit names them or they are deleted: if this commit
    // throws, a later commit of the same offsets must still include them.
    workers.completeFiles(changed.stream().map(p -> p.partition).toList()).forEach((tp, files) ->
        completedFiles.computeIfAbsent(tp, k -> new ArrayList<>()).addAll(files));
    while (!changed.isEmpty()) {
      List<OffsetUpdate> updates = changed.stream()
          .map(p -> new OffsetUpdate(p.partition.partition(), p.committedNextOffset, p.nextOffset, p.skipped))
          .toList();
      List<WrittenFile> commitFiles = changed.stream()
          .flatMap(p -> completedFiles.getOrDefault(p.partition, List.of()).stream()).toList();
      CommitOutcome outcome = table.get().commit(config.appId(), config.topic(), commitFiles, updates);
      if (outcome instanceof CommitOutcome.Committed committed) {
        changed.forEach(p -> completedFiles.remove(p.partition));
        onCommitted(committed.version(), changed, commitFiles);
        break;
      }
      ((CommitOutcome.Fenced) outcome).tableNextOffsets().forEach((partition, tableOffset) -> {
        TopicPartition tp = new TopicPartition(config.topic(), partition);
        List<WrittenFile> dropped = completedFiles.getOrDefault(tp, List.of());
        dropped.forEach(files.get()::deleteUncommitted);
        completedFiles.remove(tp);
        PartitionProgress p = progress.get(tp);
        LOG.warn("Partition {} was moved by another writer: the table holds next offset {} but this instance"
            + " expected {}. Dropped its {} uncommitted records ({} files) and resuming from the table's offset."
            + " If this repeats, two jobs share --app-id {}.", tp, describe(tableOffset),
            describe(p.committedNextOffset), p.pendingRecords, dropped.size(), config.appId());
        resume(p, tableOffset);
        changed.remove(p);
      });
    }
    state.committed(clock.millis());
  }

  private void onCommitted(long version, List<PartitionProgress> changed, List<WrittenFile> committedFiles) {
    long records = committedFiles.stream().mapToLong(WrittenFile::recordCount).sum();
    long bytes = committedFiles.stream().mapToLong(WrittenFile::sizeBytes).sum();
    String ranges = changed.stream()
        .map(p -> p.partition.partition() + ":" + (p.nextOffset > p.firstUncommittedOffset
            ? p.firstUncommittedOffset + ".." + (p.nextOffset - 1) : "@" + p.nextOffset))
        .collect(Collectors.joining(" "));
    changed.stream().filter(p -> p.skipped.isPresent()).forEach(p ->
        metrics.skipped(p.skipped.get().lastOffset() - p.skipped.get().firstOffset() + 1));
    LOG.info("Committed version {} of {}: {} files, {} records, {}; offsets {}", version, table.get().tablePath(),
        committedFiles.size(), records, ByteSize.format(bytes), ranges);
    metrics.committed(records, committedFiles.size(), bytes);
    Map<TopicPartition, Long> groupOffsets =
        new TreeMap<>(java.util.Comparator.comparingInt(TopicPartition::partition));
    for (PartitionProgress p : changed) {
      p.committed();
      groupOffsets.put(p.partition, p.nextOffset);
    }
    source.commitGroupOffsets(groupOffsets);
  }

  private void resume(PartitionProgress p, OptionalLong tableOffset) {
    long next = tableOffset.isPresent()
        ? tableOffset.getAsLong()
        : source.startingOffsets(List.of(p.partition), config.startingOffsets()).get(p.partition);
    source.seek(p.partition, next);
    workers.rewind(p.partition);
    p.resumeFrom(tableOffset, next);
  }

  @Override
  public void onAssigned(Collection<TopicPartition> partitions) {
    assignmentSeen = true;
    if (partitions.isEmpty()) {
      return;
    }
    // End offsets first: they do not depend on the table, which may still be opening on another thread.
    Map<TopicPartition, Long> ends =
        config.trigger() == Trigger.AVAILABLE_NOW ? source.endOffsets(partitions) : Map.of();
    Map<Integer, Long> stored = table.get().storedNextOffsets(config.appId(), config.topic(),
        partitions.stream().map(TopicPartition::partition).toList());
    List<TopicPartition> fresh = partitions.stream().filter(tp -> !stored.containsKey(tp.partition())).toList();
    Map<TopicPartition, Long> starts =
        fresh.isEmpty() ? Map.of() : source.startingOffsets(fresh, config.startingOffsets());
    List<String> described = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      Long fromTable = stored.get(tp.partition());
      long next = fromTable != null ? fromTable : starts.get(tp);
      source.seek(tp, next);
      PartitionProgress p = new PartitionProgress(tp,
          fromTable != null ? OptionalLong.of(fromTable) : OptionalLong.empty(), next);
      if (ends.containsKey(tp)) {
        p.endOffset = ends.get(tp);
      }
      progress.put(tp, p);
      described.add(tp.partition() + "@" + next + (fromTable != null ? "" : "(" + config.startingOffsets() + ")")
          + (ends.containsKey(tp) ? "→" + ends.get(tp) : ""));
    }
    memoryBudget.expectOpenFiles(progress.size());
    LOG.info("Assigned {} partitions of {} (next offset from the table, or (starting offsets) where it has none{}): {}",
        partitions.size(), config.topic(), config.trigger() == Trigger.AVAILABLE_NOW ? ", →end offset" : "",
        String.join(" ", described));
  }

  @Override
  public void onRevoked(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    // Commit before giving the partitions up, so the next owner resumes exactly where this one stopped.
    commit();
    workers.discard(partitions);
    partitions.forEach(progress::remove);
    LOG.info("Revoked partitions {} after committing their pending work", partitions);
  }

  @Override
  public void onLost(Collection<TopicPartition> partitions) {
    // Another instance may own them already: committing could only be fenced. Drop the pending files.
    workers.discard(partitions);
    partitions.forEach(tp -> completedFiles.getOrDefault(tp, List.of()).forEach(files.get()::deleteUncommitted));
    partitions.forEach(completedFiles::remove);
    partitions.forEach(progress::remove);
    LOG.warn("Lost partitions {}; their uncommitted work was dropped and will be re-read by their new owner",
        partitions);
  }

  @Override
  public void onOffsetsSkipped(TopicPartition partition, long firstMissingOffset, long lastMissingOffset) {
    PartitionProgress p = progress.get(partition);
    if (p != null) {
      p.skip(firstMissingOffset, lastMissingOffset);
    }
  }

  private static String describe(OptionalLong offset) {
    return offset.isPresent() ? Long.toString(offset.getAsLong()) : "(none)";
  }
}
