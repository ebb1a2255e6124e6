package org.kafkadelta.ingester.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.kafkadelta.ingester.config.Compression;
import org.kafkadelta.ingester.config.IngesterConfig;
import org.kafkadelta.ingester.config.StartingOffsets;
import org.kafkadelta.ingester.config.Trigger;
import org.kafkadelta.ingester.config.ValueFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code run}: the ingestion job. Options mirror the Spark job's (see the README's mapping table). */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Ingest a Kafka topic into a bronze Delta table, exactly once.",
    footer = {"", "Every option can also come from an environment variable (INGESTER_COMMIT_INTERVAL for"
        + " --commit-interval) or from the --config file (commit-interval=30s); the command line wins, then the"
        + " environment, then the file. Exit codes: 0 done, 1 runtime failure, 2 invalid settings."})
final class RunCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", description = "Kafka brokers.")
  String bootstrapServers;

  @Option(names = "--topic", paramLabel = "TOPIC", description = "Kafka topic to ingest.")
  String topic;

  @Option(names = "--table", paramLabel = "PATH_OR_URI",
      description = "Delta table location: a local path, s3a://bucket/path or abfss://container@account.dfs.core.windows.net/path.")
  String table;

  @Option(names = "--app-id", paramLabel = "ID",
      description = "Stable job name: keys the offsets stored in the table and is the default consumer group."
          + " Keep it across restarts; a new one starts over.")
  String appId;

  @Option(names = "--trigger", paramLabel = "MODE", defaultValue = IngesterConfig.DEFAULT_TRIGGER_NAME,
      converter = OptionConverters.TriggerConverter.class,
      description = "available-now (Spark availableNow: catch up, commit, exit) or continuous (Spark processingTime). Default: ${DEFAULT-VALUE}.")
  Trigger trigger;

  @Option(names = "--commit-interval", paramLabel = "DURATION", defaultValue = "60s",
      converter = OptionConverters.DurationConverter.class,
      description = "Commit at least this often (sooner when a file fills). Default: ${DEFAULT-VALUE}.")
  Duration commitInterval;

  @Option(names = "--max-records-per-commit", paramLabel = "N", converter = OptionConverters.CountConverter.class,
      description = "Cap on records per commit (Spark maxOffsetsPerTrigger). Default: no cap.")
  Long maxRecordsPerCommit;

  @Option(names = "--starting-offsets", paramLabel = "WHERE", defaultValue = "earliest",
      converter = OptionConverters.StartingOffsetsConverter.class,
      description = "For partitions without an offset in the table: earliest, latest, or an ISO-8601 timestamp."
          + " Default: ${DEFAULT-VALUE}.")
  StartingOffsets startingOffsets;

  @Option(names = "--fail-on-data-loss", paramLabel = "BOOL", arity = "1", defaultValue = "true",
      converter = OptionConverters.StrictBooleanConverter.class,
      description = "Exit 1 if offsets to read were deleted by retention (true), or skip and record the gap (false)."
          + " Default: ${DEFAULT-VALUE}.")
  boolean failOnDataLoss;

  @Option(names = "--target-file-size", paramLabel = "SIZE", defaultValue = "128MB",
      converter = OptionConverters.ByteSizeConverter.class,
      description = "Roll to a new Parquet file at this size. Default: ${DEFAULT-VALUE}.")
  long targetFileSizeBytes;

  @Option(names = "--compression", paramLabel = "CODEC", defaultValue = "snappy",
      converter = OptionConverters.CompressionConverter.class,
      description = "snappy, zstd, gzip, lz4-raw or uncompressed. Default: ${DEFAULT-VALUE}.")
  Compression compression;

  @Option(names = "--value-format", paramLabel = "FORMAT", defaultValue = "string",
      converter = OptionConverters.ValueFormatConverter.class,
      description = "string (raw_json column) or binary (value column, byte-exact). Default: ${DEFAULT-VALUE}.")
  ValueFormat valueFormat;

  @Option(names = "--writer-threads", paramLabel = "N",
      description = "Threads encoding Parquet in parallel. Default: one per core.")
  Integer writerThreads;

  @Option(names = "--writer-memory", paramLabel = "SIZE", converter = OptionConverters.ByteSizeConverter.class,
      description = "Heap shared by all open Parquet files. Default: a quarter of the max heap.")
  Long writerMemoryBytes;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Properties file with the same settings (commit-interval=30s), plus kafka.* and hadoop.* keys.")
  String configFile;

  @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
      description = "Kafka client setting, repeatable (e.g. security.protocol=SASL_SSL).")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  @Option(names = "--hadoop-property", paramLabel = "KEY=VALUE",
      description = "Hadoop filesystem setting, repeatable (e.g. fs.s3a.endpoint=http://minio:9000).")
  Map<String, String> hadoopProperties = new LinkedHashMap<>();

  private final IngesterLauncher launcher;
  private ConfigFile fileSettings = ConfigFile.empty();

  RunCommand(IngesterLauncher launcher) {
    this.launcher = launcher;
  }

  /** The --config file's kafka.* and hadoop.* settings (its option values arrive as defaults). */
  void useConfigFile(ConfigFile settings) {
    this.fileSettings = settings;
  }

  @Override
  public Integer call() {
    IngesterConfig config = toConfig();
    PrintWriter out = spec.commandLine().getOut();
    return launcher.launch(config, Clock.systemUTC(), out);
  }

  IngesterConfig toConfig() {
    IngesterConfig.Builder b = IngesterConfig.builder()
        .bootstrapServers(bootstrapServers)
        .topic(topic)
        .tablePath(table)
        .appId(appId)
        .trigger(trigger)
        .commitInterval(commitInterval)
        .startingOffsets(startingOffsets)
        .failOnDataLoss(failOnDataLoss)
        .targetFileSizeBytes(targetFileSizeBytes)
        .compression(compression)
        .valueFormat(valueFormat);
    if (maxRecordsPerCommit != null) {
      b.maxRecordsPerCommit(maxRecordsPerCommit);
    }
    if (writerThreads != null) {
      b.writerThreads(writerThreads);
    }
    if (writerMemoryBytes != null) {
      b.writerMemoryBytes(writerMemoryBytes);
    }
    fileSettings.kafka().forEach(b::kafkaProperty);
    kafkaProperties.forEach((k, v) -> b.kafkaProperty(stripPrefix(k, ConfigFile.KAFKA_PREFIX), v));
    fileSettings.hadoop().forEach(b::hadoopProperty);
    hadoopProperties.forEach((k, v) -> b.hadoopProperty(stripPrefix(k, ConfigFile.HADOOP_PREFIX), v));
    return b.build();
  }

  private static String stripPrefix(String key, String prefix) {
    return key.startsWith(prefix) ? key.substring(prefix.length()) : key;
  }
}
