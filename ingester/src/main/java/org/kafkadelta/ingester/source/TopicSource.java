package org.kafkadelta.ingester.source;

import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.kafkadelta.ingester.IngesterException;
import org.kafkadelta.ingester.config.IngesterConfig;
import org.kafkadelta.ingester.config.StartingOffsets;
import org.kafkadelta.ingester.config.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingester's one Kafka consumer: takes the topic's partitions, polls raw records, seeks where the Delta
 * table says, and turns out-of-range fetches into data-loss decisions.
 *
 * <p>How partitions are taken depends on the trigger. {@code continuous} subscribes with the job's consumer
 * group (static membership), so instances can share a topic and new partitions are picked up.
 * {@code available-now} assigns itself every partition, like Spark's Kafka source, with no group join: a
 * broker delays the first join of an empty group by {@code group.initial.rebalance.delay.ms} (3 s by
 * default), which every scheduled run would pay, since its group expired since the last one. Two runs with
 * the same app id cannot both commit a partition: the table's offsets fence them (see the commit
 * coordinator).
 *
 * <p>The consumer never commits or resets offsets on its own ({@code enable.auto.commit=false},
 * {@code auto.offset.reset=none}): positions always come from the table or the starting-offsets policy.
 * Group offsets are committed only after a Delta commit, for lag monitoring. Like {@link KafkaConsumer},
 * not thread-safe except {@link #wakeup()}.
 */
public final class TopicSource implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TopicSource.class);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(60);

  private final String topic;
  private final boolean manualAssignment;
  private final boolean failOnDataLoss;
  private final String bootstrapServers;
  private final String groupInstanceId;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private PartitionListener listener;

  public TopicSource(IngesterConfig config) {
    this.topic = config.topic();
    this.manualAssignment = config.trigger() == Trigger.AVAILABLE_NOW;
    this.failOnDataLoss = config.failOnDataLoss();
    Map<String, Object> props = consumerProperties(config);
    this.bootstrapServers = String.valueOf(props.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG));
    this.groupInstanceId = String.valueOf(props.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
    this.consumer = new KafkaConsumer<>(props);
  }

  /** The consumer settings: our defaults, then the user's {@code kafka.*}, then the settings we own. */
  static Map<String, Object> consumerProperties(IngesterConfig config) {
    Map<String, Object> props = new HashMap<>();
    if (config.bootstrapServers() != null && !config.bootstrapServers().isBlank()) {
      props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    }
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.appId());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "kafka-delta-ingester-" + config.appId());
    boolean subscribes = config.trigger() != Trigger.AVAILABLE_NOW;
    if (subscribes) {
      // Static membership: a restarted instance (after a crash or a deploy) takes its partitions back at once
      // instead of waiting out the dead member's session timeout, and a second process started with the same
      // app id fences the first. Jobs that share a topic across instances give each one its own
      // kafka.group.instance.id.
      props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "kafka-delta-ingester-" + config.appId());
    }
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    // A typo in --topic must fail, not create an empty topic on brokers that auto-create.
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    props.putAll(config.kafkaProperties());
    if (!subscribes) {
      // Not a group member: offsets are committed to the group as a standalone consumer, for lag tools only.
      props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    }
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return props;
  }

  /**
   * Fails fast, with what to check, if the brokers cannot be reached or the topic does not exist: a
   * subscription to a missing topic would otherwise wait for an assignment forever.
   */
  private List<PartitionInfo> existingPartitions() {
    List<PartitionInfo> partitions;
    try {
      partitions = consumer.partitionsFor(topic, METADATA_TIMEOUT);
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw new IngesterException("Cannot reach Kafka at " + bootstrapServers + " within "
          + METADATA_TIMEOUT.toSeconds() + " s (" + e.getMessage() + "). Check --bootstrap-servers and the"
          + " kafka.security.* / kafka.sasl.* settings.", e);
    } catch (KafkaException e) {
      throw new IngesterException("Cannot read metadata of topic " + topic + " from " + bootstrapServers + ": "
          + e.getMessage(), e);
    }
    if (partitions == null || partitions.isEmpty()) {
      throw new IngesterException("Topic " + topic + " does not exist on " + bootstrapServers
          + ". Check --topic, or create the topic first.");
    }
    return partitions;
  }

  /**
   * Checks that the topic exists (failing with what to check if it does not, or if the brokers cannot be
   * reached), then takes its partitions. Available-now: assigns all of them and tells {@code listener} at
   * once, before returning. Continuous: subscribes; partition events reach {@code listener} from inside
   * {@link #poll}.
   */
  public void start(PartitionListener listener) {
    this.listener = listener;
    List<PartitionInfo> partitions = existingPartitions();
    if (manualAssignment) {
      List<TopicPartition> all = partitions.stream()
          .map(info -> new TopicPartition(topic, info.partition()))
          .sorted(Comparator.comparingInt(TopicPartition::partition))
          .toList();
      consumer.assign(all);
      listener.onAssigned(all);
      return;
    }
    consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        listener.onAssigned(partitions);
      }

      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        listener.onRevoked(partitions);
      }

      @Override
      public void onPartitionsLost(Collection<TopicPartition> partitions) {
        listener.onLost(partitions);
      }
    });
  }

  /**
   * Polls records. If a partition's next offset no longer exists, either throws {@link DataLossException}
   * (failOnDataLoss) or moves the partition to its earliest offset, tells the listener what was skipped,
   * and returns no records for this call.
   *
   * @throws org.apache.kafka.common.errors.WakeupException after {@link #wakeup()}
   */
  public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
    try {
      return consumer.poll(timeout);
    } catch (OffsetOutOfRangeException e) {
      handleOutOfRange(e.offsetOutOfRangePartitions());
      return ConsumerRecords.empty();
    } catch (FencedInstanceIdException e) {
      throw new IngesterException("Another process joined the consumer group with the same group.instance.id ("
          + groupInstanceId + "), so this one stops (everything it committed is safe). Run one process per"
          + " --app-id, or give each instance its own kafka.group.instance.id to share the topic.", e);
    }
  }

  private void handleOutOfRange(Map<TopicPartition, Long> fetchOffsets) {
    Map<TopicPartition, Long> earliest = consumer.beginningOffsets(fetchOffsets.keySet(), METADATA_TIMEOUT);
    Map<TopicPartition, Long> latest = consumer.endOffsets(fetchOffsets.keySet(), METADATA_TIMEOUT);
    for (Map.Entry<TopicPartition, Long> e : fetchOffsets.entrySet()) {
      TopicPartition tp = e.getKey();
      long wanted = e.getValue();
      long first = earliest.get(tp);
      long end = latest.get(tp);
      if (wanted < first) {
        if (failOnDataLoss) {
          throw new DataLossException(tp.topic(), tp.partition(), wanted, first - 1,
              "were deleted by retention before they were ingested (the partition now starts at " + first + ").");
        }
        LOG.warn("Data loss on {}: offsets {}..{} were deleted by retention before they were ingested;"
            + " failOnDataLoss is off, so skipping to {} and recording the gap in the next commit",
            tp, wanted, first - 1, first);
        consumer.seek(tp, first);
        listener.onOffsetsSkipped(tp, wanted, first - 1);
      } else {
        if (failOnDataLoss) {
          throw new DataLossException(tp.topic(), tp.partition(), end, wanted - 1,
              "are past the partition's end (" + end + "): the table is ahead of the topic, which usually means"
                  + " the topic was deleted and recreated.");
        }
        LOG.warn("Offset {} of {} is past the partition's end {} (topic recreated?); failOnDataLoss is off, so"
            + " restarting from its earliest offset {}", wanted, tp, end, first);
        consumer.seek(tp, first);
      }
    }
  }

  public void seek(TopicPartition tp, long nextOffset) {
    consumer.seek(tp, nextOffset);
  }

  /** Resolves the starting-offsets policy to a concrete next offset for each partition. */
  public Map<TopicPartition, Long> startingOffsets(Collection<TopicPartition> partitions, StartingOffsets policy) {
    switch (policy.kind()) {
      case EARLIEST:
        return consumer.beginningOffsets(partitions, METADATA_TIMEOUT);
      case LATEST:
        return consumer.endOffsets(partitions, METADATA_TIMEOUT);
      default:
        long ts = policy.timestamp().orElseThrow().toEpochMilli();
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, ts));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, METADATA_TIMEOUT);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, METADATA_TIMEOUT);
        Map<TopicPartition, Long> out = new HashMap<>();
        for (TopicPartition tp : partitions) {
          OffsetAndTimestamp oat = found.get(tp);
          // No record at or after the timestamp: start at the end, i.e. with the next record produced.
          out.put(tp, oat != null ? oat.offset() : ends.get(tp));
        }
        return out;
    }
  }

  /** The next offset the consumer will return for {@code tp}. */
  public long position(TopicPartition tp) {
    return consumer.position(tp, METADATA_TIMEOUT);
  }

  /** End offsets now (with read_committed: the last stable offsets). */
  public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
    return consumer.endOffsets(partitions, METADATA_TIMEOUT);
  }

  public void pause(Collection<TopicPartition> partitions) {
    consumer.pause(partitions);
  }

  public Set<TopicPartition> assignment() {
    return consumer.assignment();
  }

  /**
   * Commits the consumer group's offsets so lag tools see progress. Best effort: the Delta table, not the
   * group, is the source of truth, so a failure here only delays what lag tools show.
   */
  public void commitGroupOffsets(Map<TopicPartition, Long> nextOffsets) {
    if (nextOffsets.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    nextOffsets.forEach((tp, next) -> offsets.put(tp, new OffsetAndMetadata(next)));
    try {
      consumer.commitSync(offsets, Duration.ofSeconds(10));
    } catch (KafkaException e) {
      LOG.warn("Could not commit consumer group offsets for lag monitoring (the Delta table holds the real"
          + " offsets, nothing is lost): {}", e.toString());
    }
  }

  /** Makes a blocked or next {@link #poll} throw WakeupException. The only thread-safe method. */
  public void wakeup() {
    consumer.wakeup();
  }

  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
  }
}
