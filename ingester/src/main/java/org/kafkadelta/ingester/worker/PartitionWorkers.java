package org.kafkadelta.ingester.worker;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.kafkadelta.ingester.IngesterException;
import org.kafkadelta.ingester.writer.PartitionFileWriter;
import org.kafkadelta.ingester.writer.WrittenFile;

/**
 * Runs Parquet encoding and compression in parallel across partitions. Each partition is pinned to one of
 * a fixed number of single-threaded lanes, so a partition's records are written in order by one thread at a
 * time while different partitions proceed in parallel.
 *
 * <p>The poll thread hands batches over with {@link #write} and blocks there once {@code maxInFlightBytes}
 * of handed-over records are not yet written, which bounds the heap held by queued records. A failure in a
 * lane is rethrown to the poll thread by the next call. Methods other than the lanes' own work must be called
 * from the poll thread only.
 */
public final class PartitionWorkers implements AutoCloseable {
  private static final int PERMIT_BYTES = 1024;

  private final ExecutorService[] lanes;
  private final Function<TopicPartition, PartitionFileWriter> writerFactory;
  private final Map<TopicPartition, PartitionFileWriter> writers = new HashMap<>();
  private final Semaphore inFlight;
  private final int maxPermits;
  private final AtomicReference<IngesterException> laneFailure = new AtomicReference<>();

  public PartitionWorkers(int threads, long maxInFlightBytes,
      Function<TopicPartition, PartitionFileWriter> writerFactory) {
    this.lanes = new ExecutorService[threads];
    for (int i = 0; i < threads; i++) {
      int lane = i;
      lanes[i] = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "parquet-writer-" + lane);
        t.setDaemon(true);
        return t;
      });
    }
    this.writerFactory = writerFactory;
    this.maxPermits = (int) Math.max(1, Math.min(Integer.MAX_VALUE, maxInFlightBytes / PERMIT_BYTES));
    this.inFlight = new Semaphore(maxPermits);
  }

  /** Queues records of one partition (in offset order) to be written with the given ingestion time. */
  public void write(TopicPartition tp, List<ConsumerRecord<byte[], byte[]>> records, Instant ingestionTime) {
    rethrowLaneFailure();
    PartitionFileWriter writer = writers.computeIfAbsent(tp, writerFactory);
    int permits = permitsFor(records);
    inFlight.acquireUninterruptibly(permits);
    try {
      lane(tp).execute(() -> {
        try {
          if (laneFailure.get() == null) {
            writer.write(records, ingestionTime);
          }
        } catch (Throwable e) {
          laneFailure.compareAndSet(null, new IngesterException(
              "Writing records of " + tp + " failed: " + e.getMessage(), e));
        } finally {
          inFlight.release(permits);
        }
      });
    } catch (RuntimeException e) {
      inFlight.release(permits);
      throw e;
    }
  }

  /** Whether some partition filled a file since its files were last completed. */
  public boolean anyFileRolled() {
    for (PartitionFileWriter w : writers.values()) {
      if (w.hasRolledFiles()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Waits for queued records of {@code partitions}, closes their open files and returns every finished file
   * per partition. Partitions without a writer are left out.
   */
  public Map<TopicPartition, List<WrittenFile>> completeFiles(Collection<TopicPartition> partitions) {
    Map<TopicPartition, Future<List<WrittenFile>>> futures = new HashMap<>();
    for (TopicPartition tp : partitions) {
      PartitionFileWriter writer = writers.get(tp);
      if (writer != null) {
        futures.put(tp, lane(tp).submit(writer::completeFiles));
      }
    }
    Map<TopicPartition, List<WrittenFile>> out = new HashMap<>();
    for (Map.Entry<TopicPartition, Future<List<WrittenFile>>> e : futures.entrySet()) {
      out.put(e.getKey(), await(e.getValue(), "Completing files of " + e.getKey()));
    }
    rethrowLaneFailure();
    return out;
  }

  /**
   * Drops the partitions' pending work: deletes their open and finished-but-uncommitted files and forgets
   * their writers, e.g. after losing the partition or being fenced by another writer.
   */
  public void discard(Collection<TopicPartition> partitions) {
    List<Future<?>> futures = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      PartitionFileWriter writer = writers.remove(tp);
      if (writer != null) {
        futures.add(lane(tp).submit(writer::abort));
      }
    }
    for (Future<?> f : futures) {
      await(f, "Discarding pending files");
    }
  }

  /** Forgets what the partition's writer has seen, so that records re-read after a seek are written again. */
  public void rewind(TopicPartition tp) {
    PartitionFileWriter writer = writers.get(tp);
    if (writer != null) {
      await(lane(tp).submit(writer::forgetWrittenOffsets), "Rewinding " + tp);
    }
  }

  @Override
  public void close() {
    for (ExecutorService lane : lanes) {
      lane.shutdownNow();
    }
    for (ExecutorService lane : lanes) {
      try {
        lane.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private ExecutorService lane(TopicPartition tp) {
    return lanes[Math.floorMod(tp.partition(), lanes.length)];
  }

  private int permitsFor(List<ConsumerRecord<byte[], byte[]>> records) {
    long bytes = 0;
    for (ConsumerRecord<byte[], byte[]> r : records) {
      bytes += Math.max(0, r.serializedValueSize()) + Math.max(0, r.serializedKeySize()) + 64;
    }
    // A single batch larger than the whole budget still goes through, alone.
    return (int) Math.min(maxPermits, Math.max(1, bytes / PERMIT_BYTES));
  }

  private void rethrowLaneFailure() {
    IngesterException failure = laneFailure.get();
    if (failure != null) {
      throw failure;
    }
  }

  private static <T> T await(Future<T> future, String what) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IngesterException(what + " was interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException) {
        throw new IngesterException(what + " failed: " + cause.getMessage(), cause);
      }
      throw cause instanceof RuntimeException
          ? (RuntimeException) cause
          : new IngesterException(what + " failed: " + cause, cause);
    }
  }
}
