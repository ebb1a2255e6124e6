package org.kafkadelta.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmbeddedKafkaTest {
  private static final long EVENTS = 1_000;
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @ParameterizedTest(name = "group.protocol={0}")
  @ValueSource(strings = {"classic", "consumer"})
  void consumerReadsBackExactlyTheThousandProducedEvents(String groupProtocol) {
    String topic = "iot-" + groupProtocol;
    kafka.createTopic(topic, 3);
    IotEvents events = new IotEvents(7);

    long sent = events.produce(kafka.bootstrapServers(), topic, EVENTS);

    Map<String, Object> config = kafka.consumerConfig("reader-" + groupProtocol);
    config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, groupProtocol);
    Set<String> values = new HashSet<>();
    long received = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (received < EVENTS && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          received++;
          values.add(new String(record.value(), StandardCharsets.UTF_8));
          assertThat(record.key()).isEqualTo(events.key(seqOf(record.value())));
        }
      }
      // Nothing beyond the thousand: a short extra poll must come back empty.
      received += consumer.poll(Duration.ofMillis(300)).count();
    }
    assertThat(sent).isEqualTo(EVENTS);
    assertThat(received).isEqualTo(EVENTS);
    assertThat(values).hasSize((int) EVENTS);
  }

  @Test
  void createTopicWaitsUntilEveryPartitionIsVisible() throws Exception {
    kafka.createTopic("visible", 5, Map.of("retention.ms", "60000"));

    var description = kafka.admin().describeTopics(List.of("visible")).allTopicNames().get().get("visible");
    assertThat(description.partitions()).hasSize(5).allSatisfy(p -> assertThat(p.leader()).isNotNull());
  }

  @Test
  void createTopicRejectsANonPositivePartitionCountNamingIt() {
    assertThatThrownBy(() -> kafka.createTopic("bad", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad")
        .hasMessageContaining(": 0");
  }

  @Test
  void createTopicFailsWithTheTopicNameWhenItAlreadyExists() {
    kafka.createTopic("twice", 1);

    assertThatThrownBy(() -> kafka.createTopic("twice", 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("twice")
        .hasMessageContaining("TopicExistsException");
  }

  @Test
  void startFailsNamingTheOverrideTheBrokerRejected() {
    assertThatThrownBy(() -> EmbeddedKafka.start(Map.of("message.max.bytes", "lots")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("message.max.bytes=lots");
  }

  private static long seqOf(byte[] json) {
    String text = new String(json, StandardCharsets.UTF_8);
    int start = text.indexOf("\"seq\":") + "\"seq\":".length();
    return Long.parseLong(text.substring(start, text.indexOf('}', start)));
  }
}
