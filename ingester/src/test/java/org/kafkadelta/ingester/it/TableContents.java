package org.kafkadelta.ingester.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.kafkadelta.testkit.DeltaTableReader;

/** A bronze table read back through Delta Kernel, with the exactly-once checks the tests share. */
final class TableContents {
  final List<Map<String, Object>> rows;

  private TableContents(List<Map<String, Object>> rows) {
    this.rows = rows;
  }

  static TableContents read(Path table) {
    return new TableContents(new DeltaTableReader().readRows(table.toString()));
  }

  /** Asserts no (topic, partition, offset) appears twice. */
  TableContents hasNoDuplicates() {
    Set<String> seen = new HashSet<>();
    for (Map<String, Object> row : rows) {
      String id = row.get("topic") + "/" + row.get("partition") + "/" + row.get("offset");
      assertThat(seen.add(id)).as("row %s is in the table only once", id).isTrue();
    }
    return this;
  }

  /** Asserts each partition holds exactly the offsets [0, count) given. */
  TableContents hasContiguousOffsets(Map<Integer, Long> expectedCountPerPartition) {
    Map<Integer, Set<Long>> offsets = new TreeMap<>();
    for (Map<String, Object> row : rows) {
      offsets.computeIfAbsent((Integer) row.get("partition"), p -> new HashSet<>()).add((Long) row.get("offset"));
    }
    expectedCountPerPartition.forEach((partition, count) -> {
      Set<Long> got = offsets.getOrDefault(partition, Set.of());
      assertThat(got).as("offsets of partition %d", partition).hasSize(count.intValue());
      List<Long> missing = new java.util.ArrayList<>();
      for (long o = 0; o < count; o++) {
        if (!got.contains(o)) {
          missing.add(o);
        }
      }
      assertThat(missing).as("offsets missing from partition %d", partition).isEmpty();
    });
    assertThat(offsets.keySet()).as("partitions with rows").isSubsetOf(expectedCountPerPartition.keySet());
    return this;
  }

  /**
   * Parquet data files under the table directory, committed or not (killed runs leave uncommitted ones
   * that no reader sees), not counting checksum side files or the log.
   */
  static long parquetFilesOnDisk(Path table) {
    if (!Files.isDirectory(table)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(table)) {
      return files.filter(f -> !f.startsWith(table.resolve("_delta_log")))
          .map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(".parquet") && !n.startsWith("."))
          .count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
