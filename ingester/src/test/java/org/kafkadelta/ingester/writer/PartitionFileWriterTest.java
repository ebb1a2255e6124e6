package org.kafkadelta.ingester.writer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kafkadelta.ingester.config.Compression;
import org.kafkadelta.ingester.config.ValueFormat;

class PartitionFileWriterTest {
  private static final String TOPIC = "events";
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

  @TempDir
  Path dir;

  @Test
  void aFileSpanningSeveralRowGroupsReportsItsTrueSizeAndRange() throws IOException {
    Configuration conf = new Configuration();
    // A 1 MiB row group (the smallest the budget gives) and ~6 MB of records: several row groups.
    DataFileFactory files = new DataFileFactory("file:" + dir, conf, Compression.SNAPPY, ValueFormat.STRING,
        new WriterMemoryBudget(1 << 20, 128 << 20), Clock.fixed(NOW, ZoneOffset.UTC));
    PartitionFileWriter writer = new PartitionFileWriter(TOPIC, 3, files, new RollingPolicy(128 << 20));
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (long offset = 100; offset < 60_100; offset++) {
      records.add(new ConsumerRecord<>(TOPIC, 3, offset, ("device-" + offset).getBytes(StandardCharsets.UTF_8),
          ("{\"offset\":" + offset + ",\"reading\":\"" + "x".repeat(64) + "\"}").getBytes(StandardCharsets.UTF_8)));
    }
    writer.write(records, NOW);

    List<WrittenFile> written = writer.completeFiles();

    assertThat(written).hasSize(1);
    WrittenFile file = written.get(0);
    Path onDisk = Path.of(URI.create(file.path()));
    assertThat(file.sizeBytes()).as("size in the add action").isEqualTo(Files.size(onDisk));
    assertThat(file.modificationTimeMillis()).isEqualTo(NOW.toEpochMilli());
    assertThat(file.recordCount()).isEqualTo(60_000);
    assertThat(file.stats().minOffset()).isEqualTo(100);
    assertThat(file.stats().maxOffset()).isEqualTo(60_099);
    try (ParquetFileReader reader = ParquetFileReader.open(
        HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.path()), conf))) {
      List<BlockMetaData> rowGroups = reader.getFooter().getBlocks();
      assertThat(rowGroups.size()).as("row groups").isGreaterThan(1);
      assertThat(rowGroups.stream().mapToLong(BlockMetaData::getRowCount).sum()).isEqualTo(60_000);
      assertThat(reader.getFooter().getFileMetaData().getKeyValueMetaData())
          .containsEntry("writer", "kafka-delta-ingester");
    }
  }
}
