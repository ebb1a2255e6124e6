package org.kafkadelta.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The ceiling: plain KafkaConsumers that read a whole topic and write nothing, split over {@code threads}
 * consumers (each assigned a share of the partitions, no group). No ingester can be faster on the same box.
 */
public final class RawConsume {
  private RawConsume() {}

  /** Result of one read: records and key+value bytes seen, and the wall time of the read. */
  record Result(long records, long bytes, Duration elapsed) {
    double recordsPerSecond() {
      return records / (elapsed.toNanos() / 1e9);
    }

    double megabytesPerSecond() {
      return bytes / (1024.0 * 1024.0) / (elapsed.toNanos() / 1e9);
    }
  }

  /**
   * Child-process mode, so the ceiling can be timed like the ingester, JVM start included:
   * {@code RawConsume BOOTSTRAP TOPIC PARTITIONS THREADS}; prints "records bytes".
   */
  public static void main(String[] args) throws Exception {
    Result r = readAll(args[0], args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
    System.out.println(r.records() + " " + r.bytes());
  }

  static Result readAll(String bootstrapServers, String topic, int partitions, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long start = System.nanoTime();
      List<Future<long[]>> parts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        List<TopicPartition> share = new ArrayList<>();
        for (int p = t; p < partitions; p += threads) {
          share.add(new TopicPartition(topic, p));
        }
        parts.add(pool.submit(() -> consume(bootstrapServers, share)));
      }
      long records = 0;
      long bytes = 0;
      for (Future<long[]> f : parts) {
        long[] r = f.get();
        records += r[0];
        bytes += r[1];
      }
      return new Result(records, bytes, Duration.ofNanos(System.nanoTime() - start));
    } finally {
      pool.shutdownNow();
    }
  }

  private static long[] consume(String bootstrapServers, List<TopicPartition> partitions) {
    Map<String, Object> props = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long records = 0;
      long bytes = 0;
      while (!reachedEnd(consumer, end)) {
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(200));
        for (ConsumerRecord<byte[], byte[]> r : batch) {
          records++;
          bytes += r.serializedValueSize() + Math.max(0, r.serializedKeySize());
        }
      }
      return new long[] {records, bytes};
    }
  }

  private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}
