package org.kafkadelta.ingester.source;

import org.kafkadelta.ingester.IngesterException;

/** The next offset to read is gone (deleted by retention, or the topic was recreated) and failOnDataLoss is on. */
public final class DataLossException extends IngesterException {
  private final String topic;
  private final int partition;
  private final long firstMissingOffset;
  private final long lastMissingOffset;

  public DataLossException(String topic, int partition, long firstMissingOffset, long lastMissingOffset,
      String reason) {
    super("Data loss on " + topic + "-" + partition + ": offsets " + firstMissingOffset + ".." + lastMissingOffset
        + " " + reason + " Nothing was skipped. To skip them and continue from the earliest available"
        + " offset, restart with --fail-on-data-loss false (the gap is then recorded in the table);"
        + " to start over, use a new --app-id.");
    this.topic = topic;
    this.partition = partition;
    this.firstMissingOffset = firstMissingOffset;
    this.lastMissingOffset = lastMissingOffset;
  }

  public String topic() {
    return topic;
  }

  public int partition() {
    return partition;
  }

  public long firstMissingOffset() {
    return firstMissingOffset;
  }

  public long lastMissingOffset() {
    return lastMissingOffset;
  }
}
