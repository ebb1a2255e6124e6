package org.kafkadelta.ingester.delta;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Moves one partition's stored offset in a commit.
 *
 * @param partition Kafka partition
 * @param expectedNextOffset what the table must still hold for the commit to go through (empty: no entry
 *     yet). If another writer moved it, the partition is fenced instead of overwritten.
 * @param nextOffset the next offset to read once this commit lands
 * @param skipped offsets lost to retention that this commit knowingly skips
 */
public record OffsetUpdate(int partition, OptionalLong expectedNextOffset, long nextOffset, Optional<SkippedRange> skipped) {}
