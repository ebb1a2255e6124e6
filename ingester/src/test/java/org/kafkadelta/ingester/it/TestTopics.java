package org.kafkadelta.ingester.it;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.kafkadelta.testkit.EmbeddedKafka;

/** Produces test records with known keys, values and offsets. */
final class TestTopics {
  private TestTopics() {}

  static String uniqueName(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Key "k-&lt;i&gt;", value {"i":&lt;i&gt;,"p":&lt;partition&gt;}, round-robin over partitions. */
  static void produceNumbered(EmbeddedKafka kafka, String topic, int partitions, int from, int count) {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerConfig())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (int i = from; i < from + count; i++) {
        int partition = i % partitions;
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition,
            ("k-" + i).getBytes(StandardCharsets.UTF_8), valueOf(i, partition));
        record.headers().add("source", "test".getBytes(StandardCharsets.UTF_8));
        record.headers().add("i", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
        sent.add(producer.send(record));
      }
      producer.flush();
      for (Future<RecordMetadata> f : sent) {
        f.get();
      }
    } catch (Exception e) {
      throw new IllegalStateException("Producing to " + topic + " failed", e);
    }
  }

  static byte[] valueOf(int i, int partition) {
    return ("{\"i\":" + i + ",\"p\":" + partition + "}").getBytes(StandardCharsets.UTF_8);
  }

  static void produce(EmbeddedKafka kafka, List<ProducerRecord<byte[], byte[]>> records) {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerConfig())) {
      for (ProducerRecord<byte[], byte[]> r : records) {
        producer.send(r).get();
      }
    } catch (Exception e) {
      throw new IllegalStateException("Producing failed", e);
    }
  }

  static Map<String, String> noConfigs() {
    return Map.of();
  }
}
