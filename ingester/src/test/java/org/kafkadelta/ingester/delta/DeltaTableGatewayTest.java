package org.kafkadelta.ingester.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kafkadelta.ingester.IngesterException;
import org.kafkadelta.ingester.config.Compression;
import org.kafkadelta.ingester.config.ValueFormat;
import org.kafkadelta.ingester.writer.DataFileFactory;
import org.kafkadelta.ingester.writer.PartitionFileWriter;
import org.kafkadelta.ingester.writer.RollingPolicy;
import org.kafkadelta.ingester.writer.WriterMemoryBudget;
import org.kafkadelta.ingester.writer.WrittenFile;
import org.kafkadelta.testkit.DeltaTableReader;

/** Real Delta tables in a temp directory, written and read through Delta Kernel. */
class DeltaTableGatewayTest {
  private static final String APP = "app";
  private static final String TOPIC = "events";

  @TempDir
  Path dir;

  private final Configuration conf = new Configuration();

  @Test
  void aCommitAddsTheFilesAndMovesTheOffsetsInOneVersion() throws IOException {
    DeltaTableGateway table = DeltaTableGateway.openOrCreate(dir.toString(), ValueFormat.STRING, conf);
    List<WrittenFile> files = writeFile(table, 0, 0, 10);

    CommitOutcome outcome = table.commit(APP, TOPIC, files,
        List.of(new OffsetUpdate(0, OptionalLong.empty(), 10, Optional.empty())));

    assertThat(outcome).isEqualTo(new CommitOutcome.Committed(1));
    assertThat(new DeltaTableReader().countRows(dir.toString())).isEqualTo(10);
    assertThat(table.storedNextOffsets(APP, TOPIC, List.of(0, 1))).isEqualTo(Map.of(0, 10L));
  }

  @Test
  void aWriterWhoseOffsetWasMovedByAnotherIsFencedAndCommitsNothing() throws IOException {
    DeltaTableGateway first = DeltaTableGateway.openOrCreate(dir.toString(), ValueFormat.STRING, conf);
    DeltaTableGateway second = DeltaTableGateway.openOrCreate(dir.toString(), ValueFormat.STRING, conf);
    assertThat(first.commit(APP, TOPIC, writeFile(first, 0, 0, 100),
        List.of(new OffsetUpdate(0, OptionalLong.empty(), 100, Optional.empty()))))
        .isInstanceOf(CommitOutcome.Committed.class);

    // The second writer still believes partition 0 has no offset, and its snapshot predates the commit:
    // Kernel's conflict check on the same domain must stop it.
    CommitOutcome outcome = second.commit(APP, TOPIC, writeFile(second, 0, 0, 50),
        List.of(new OffsetUpdate(0, OptionalLong.empty(), 50, Optional.empty())));

    assertThat(outcome).isEqualTo(new CommitOutcome.Fenced(Map.of(0, OptionalLong.of(100))));
    assertThat(new DeltaTableReader().countRows(dir.toString())).isEqualTo(100);
    assertThat(first.storedNextOffsets(APP, TOPIC, List.of(0))).isEqualTo(Map.of(0, 100L));
  }

  @Test
  void concurrentWritersOfDifferentPartitionsBothCommit() throws IOException {
    DeltaTableGateway first = DeltaTableGateway.openOrCreate(dir.toString(), ValueFormat.STRING, conf);
    DeltaTableGateway second = DeltaTableGateway.openOrCreate(dir.toString(), ValueFormat.STRING, conf);

    assertThat(first.commit(APP, TOPIC, writeFile(first, 0, 0, 5),
        List.of(new OffsetUpdate(0, OptionalLong.empty(), 5, Optional.empty()))))
        .isInstanceOf(CommitOutcome.Committed.class);
    assertThat(second.commit(APP, TOPIC, writeFile(second, 1, 0, 7),
        List.of(new OffsetUpdate(1, OptionalLong.empty(), 7, Optional.empty()))))
        .isInstanceOf(CommitOutcome.Committed.class);

    assertThat(new DeltaTableReader().countRows(dir.toString())).isEqualTo(12);
    assertThat(first.storedNextOffsets(APP, TOPIC, List.of(0, 1))).isEqualTo(Map.of(0, 5L, 1, 7L));
  }

  @Test
  void aTableWithAnotherValueFormatIsRefusedNamingTheDifference() {
    DeltaTableGateway.openOrCreate(dir.toString(), ValueFormat.BINARY, conf);

    assertThatThrownBy(() -> DeltaTableGateway.openOrCreate(dir.toString(), ValueFormat.STRING, conf))
        .isInstanceOf(IncompatibleTableException.class)
        .hasMessageContaining("column 'raw_json' (string) is missing")
        .hasMessageContaining("was it created with --value-format binary?")
        .hasMessageContaining(dir.toString());
  }

  @Test
  void aLocationWhoseFileSystemIsNotBundledIsRefusedNamingTheMissingConnector() {
    assertThatThrownBy(() -> DeltaTableGateway.openOrCreate("s3a://bucket/bronze", ValueFormat.STRING, conf))
        .isInstanceOf(IngesterException.class)
        .hasMessageContaining("s3a://bucket/bronze")
        .hasMessageContaining("org.apache.hadoop.fs.s3a.S3AFileSystem")
        .hasMessageContaining("give a local path");
  }

  @Test
  void aNewTableIsPartitionedByIngestionDateWithTheDomainMetadataFeature() {
    DeltaTableGateway.openOrCreate(dir.toString(), ValueFormat.STRING, conf);
    DeltaTableReader reader = new DeltaTableReader();
    assertThat(reader.partitionColumns(dir.toString())).containsExactly("ingestion_date");
    assertThat(reader.snapshot(dir.toString()).getProtocol().getWriterFeatures()).contains("domainMetadata");
    assertThat(reader.schema(dir.toString()).fieldNames()).containsExactly("key", "raw_json", "topic", "partition",
        "offset", "event_enqueued_timestamp", "ingestion_timestamp", "ingestion_date", "headers", "raw_key_bytes",
        "raw_value_bytes");
  }

  private List<WrittenFile> writeFile(DeltaTableGateway table, int partition, long firstOffset, int count)
      throws IOException {
    DataFileFactory files = new DataFileFactory(table.tablePath(), conf, Compression.SNAPPY, ValueFormat.STRING,
        new WriterMemoryBudget(16 << 20, 128 << 20), Clock.systemUTC());
    PartitionFileWriter writer = new PartitionFileWriter(TOPIC, partition, files, new RollingPolicy(128 << 20));
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (long o = firstOffset; o < firstOffset + count; o++) {
      records.add(new ConsumerRecord<>(TOPIC, partition, o, ("k" + o).getBytes(StandardCharsets.UTF_8),
          "{}".getBytes(StandardCharsets.UTF_8)));
    }
    writer.write(records, Instant.now());
    return writer.completeFiles();
  }
}
