package org.kafkadelta.ingester.source;

import java.util.Collection;
import org.apache.kafka.common.TopicPartition;

/**
 * Learns what happens to the partitions of the subscribed topic. All calls arrive on the polling thread,
 * from inside {@link TopicSource#poll}.
 */
public interface PartitionListener {
  /** These partitions now belong to this instance; the listener must seek each one before returning. */
  void onAssigned(Collection<TopicPartition> partitions);

  /** These partitions are being given up in an orderly way: commit or drop their pending work now. */
  void onRevoked(Collection<TopicPartition> partitions);

  /** These partitions were lost (e.g. session timeout): another instance may already own them. */
  void onLost(Collection<TopicPartition> partitions);

  /**
   * Retention deleted {@code [firstMissingOffset, lastMissingOffset]} before they were read and
   * failOnDataLoss is off: the source has moved on to the earliest available offset.
   */
  void onOffsetsSkipped(TopicPartition partition, long firstMissingOffset, long lastMissingOffset);
}
