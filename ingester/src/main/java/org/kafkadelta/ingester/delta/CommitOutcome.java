package org.kafkadelta.ingester.delta;

import java.util.Map;
import java.util.OptionalLong;

/** What became of a commit attempt: it landed, or some partitions were moved by another writer. */
public sealed interface CommitOutcome {
  /** The files and offsets are in table version {@code version}. */
  record Committed(long version) implements CommitOutcome {}

  /**
   * Nothing was committed: another writer moved these partitions' offsets since this one read them. The
   * map gives each fenced partition's offset now in the table (empty: no entry). The caller must drop those
   * partitions' pending files and resume them from the table's offsets, never write them again.
   */
  record Fenced(Map<Integer, OptionalLong> tableNextOffsets) implements CommitOutcome {}
}
