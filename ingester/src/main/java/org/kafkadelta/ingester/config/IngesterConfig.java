package org.kafkadelta.ingester.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every setting of one ingester run, validated as a whole. Built only through {@link Builder}, whose
 * {@link Builder#build()} reports all problems at once as an {@link InvalidConfigException}.
 *
 * <p>Defaults: trigger {@value #DEFAULT_TRIGGER_NAME}, commit interval 60 s, no cap per commit, starting
 * offsets earliest (Spark's default is latest: we prefer losing nothing on a first run), fail on data loss,
 * target file size 128 MiB, snappy, string values, one writer thread per core, and a writer memory budget of
 * a quarter of the max heap.
 */
public final class IngesterConfig {
  public static final String DEFAULT_TRIGGER_NAME = "available-now";
  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofSeconds(60);
  public static final long DEFAULT_TARGET_FILE_SIZE_BYTES = 128L * 1024 * 1024;
  /** Below this a file is mostly footer; the check keeps typos such as {@code 128} (bytes) out. */
  public static final long MIN_TARGET_FILE_SIZE_BYTES = 64L * 1024;
  public static final long MIN_WRITER_MEMORY_BYTES = 16L * 1024 * 1024;

  /**
   * Kafka client settings the ingester owns: offsets live in the Delta table, so the consumer must never
   * commit on its own or reset silently, and records are read as raw bytes.
   */
  static final Set<String> RESERVED_KAFKA_KEYS =
      Set.of("enable.auto.commit", "auto.offset.reset", "key.deserializer", "value.deserializer");

  private static final Pattern APP_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

  private final String bootstrapServers;
  private final String topic;
  private final String tablePath;
  private final String appId;
  private final Trigger trigger;
  private final Duration commitInterval;
  private final OptionalLong maxRecordsPerCommit;
  private final StartingOffsets startingOffsets;
  private final boolean failOnDataLoss;
  private final long targetFileSizeBytes;
  private final Compression compression;
  private final ValueFormat valueFormat;
  private final int writerThreads;
  private final long writerMemoryBytes;
  private final Map<String, String> kafkaProperties;
  private final Map<String, String> hadoopProperties;

  private IngesterConfig(Builder b) {
    this.bootstrapServers = b.bootstrapServers;
    this.topic = b.topic;
    this.tablePath = b.tablePath;
    this.appId = b.appId;
    this.trigger = b.trigger;
    this.commitInterval = b.commitInterval;
    this.maxRecordsPerCommit = b.maxRecordsPerCommit;
    this.startingOffsets = b.startingOffsets;
    this.failOnDataLoss = b.failOnDataLoss;
    this.targetFileSizeBytes = b.targetFileSizeBytes;
    this.compression = b.compression;
    this.valueFormat = b.valueFormat;
    this.writerThreads = b.writerThreads;
    this.writerMemoryBytes = b.writerMemoryBytes;
    this.kafkaProperties = Map.copyOf(b.kafkaProperties);
    this.hadoopProperties = Map.copyOf(b.hadoopProperties);
  }

  public static Builder builder() {
    return new Builder();
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public String topic() {
    return topic;
  }

  /** Table location: a local path or a URI ({@code s3a://}, {@code abfss://}, {@code file:}). */
  public String tablePath() {
    return tablePath;
  }

  /**
   * Names this ingestion job. It keys the offsets stored in the table and is the default consumer group:
   * it must stay the same across restarts and be shared by all processes of one job. A new app id starts
   * over from the starting offsets.
   */
  public String appId() {
    return appId;
  }

  public Trigger trigger() {
    return trigger;
  }

  public Duration commitInterval() {
    return commitInterval;
  }

  /** At most this many records in one Delta commit (Spark's maxOffsetsPerTrigger); empty means no cap. */
  public OptionalLong maxRecordsPerCommit() {
    return maxRecordsPerCommit;
  }

  public StartingOffsets startingOffsets() {
    return startingOffsets;
  }

  public boolean failOnDataLoss() {
    return failOnDataLoss;
  }

  public long targetFileSizeBytes() {
    return targetFileSizeBytes;
  }

  public Compression compression() {
    return compression;
  }

  public ValueFormat valueFormat() {
    return valueFormat;
  }

  /** Threads that encode and compress Parquet, each owning a fixed subset of the partitions. */
  public int writerThreads() {
    return writerThreads;
  }

  /** Heap the open Parquet writers may buffer in total, shared by all partitions. */
  public long writerMemoryBytes() {
    return writerMemoryBytes;
  }

  /** Extra Kafka client settings ({@code kafka.*} without the prefix), e.g. security and SASL. */
  public Map<String, String> kafkaProperties() {
    return kafkaProperties;
  }

  /** Extra Hadoop filesystem settings ({@code hadoop.*} without the prefix), e.g. {@code fs.s3a.endpoint}. */
  public Map<String, String> hadoopProperties() {
    return hadoopProperties;
  }

  /** The settings as {@code name=value} pairs for the start-up log, secrets redacted. */
  public Map<String, String> describe() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("bootstrap-servers", bootstrapServers);
    out.put("topic", topic);
    out.put("table", tablePath);
    out.put("app-id", appId);
    out.put("trigger", trigger.cliName());
    out.put("commit-interval", commitInterval.toString());
    out.put("max-records-per-commit",
        maxRecordsPerCommit.isPresent() ? Long.toString(maxRecordsPerCommit.getAsLong()) : "unlimited");
    out.put("starting-offsets", startingOffsets.toString());
    out.put("fail-on-data-loss", Boolean.toString(failOnDataLoss));
    out.put("target-file-size", ByteSize.format(targetFileSizeBytes));
    out.put("compression", compression.name().toLowerCase(java.util.Locale.ROOT));
    out.put("value-format", valueFormat.name().toLowerCase(java.util.Locale.ROOT));
    out.put("writer-threads", Integer.toString(writerThreads));
    out.put("writer-memory", ByteSize.format(writerMemoryBytes));
    SecretRedaction.redact(kafkaProperties).forEach((k, v) -> out.put("kafka." + k, v));
    SecretRedaction.redact(hadoopProperties).forEach((k, v) -> out.put("hadoop." + k, v));
    return out;
  }

  @Override
  public String toString() {
    return "IngesterConfig" + describe();
  }

  /** Mutable builder; {@link #build()} validates everything and reports all problems together. */
  public static final class Builder {
    private String bootstrapServers;
    private String topic;
    private String tablePath;
    private String appId;
    private Trigger trigger = Trigger.AVAILABLE_NOW;
    private Duration commitInterval = DEFAULT_COMMIT_INTERVAL;
    private OptionalLong maxRecordsPerCommit = OptionalLong.empty();
    private StartingOffsets startingOffsets = StartingOffsets.earliest();
    private boolean failOnDataLoss = true;
    private long targetFileSizeBytes = DEFAULT_TARGET_FILE_SIZE_BYTES;
    private Compression compression = Compression.SNAPPY;
    private ValueFormat valueFormat = ValueFormat.STRING;
    private int writerThreads = Runtime.getRuntime().availableProcessors();
    private long writerMemoryBytes = Math.max(MIN_WRITER_MEMORY_BYTES, Runtime.getRuntime().maxMemory() / 4);
    private final Map<String, String> kafkaProperties = new LinkedHashMap<>();
    private final Map<String, String> hadoopProperties = new LinkedHashMap<>();

    private Builder() {}

    public Builder bootstrapServers(String v) {
      this.bootstrapServers = v;
      return this;
    }

    public Builder topic(String v) {
      this.topic = v;
      return this;
    }

    public Builder tablePath(String v) {
      this.tablePath = v;
      return this;
    }

    public Builder appId(String v) {
      this.appId = v;
      return this;
    }

    public Builder trigger(Trigger v) {
      this.trigger = Objects.requireNonNull(v, "trigger");
      return this;
    }

    public Builder commitInterval(Duration v) {
      this.commitInterval = Objects.requireNonNull(v, "commitInterval");
      return this;
    }

    public Builder maxRecordsPerCommit(long v) {
      this.maxRecordsPerCommit = OptionalLong.of(v);
      return this;
    }

    public Builder startingOffsets(StartingOffsets v) {
      this.startingOffsets = Objects.requireNonNull(v, "startingOffsets");
      return this;
    }

    public Builder failOnDataLoss(boolean v) {
      this.failOnDataLoss = v;
      return this;
    }

    public Builder targetFileSizeBytes(long v) {
      this.targetFileSizeBytes = v;
      return this;
    }

    public Builder compression(Compression v) {
      this.compression = Objects.requireNonNull(v, "compression");
      return this;
    }

    public Builder valueFormat(ValueFormat v) {
      this.valueFormat = Objects.requireNonNull(v, "valueFormat");
      return this;
    }

    public Builder writerThreads(int v) {
      this.writerThreads = v;
      return this;
    }

    public Builder writerMemoryBytes(long v) {
      this.writerMemoryBytes = v;
      return this;
    }

    /** Adds a Kafka client setting, key without the {@code kafka.} prefix. */
    public Builder kafkaProperty(String key, String value) {
      this.kafkaProperties.put(key, value);
      return this;
    }

    /** Adds a Hadoop filesystem setting, key without the {@code hadoop.} prefix. */
    public Builder hadoopProperty(String key, String value) {
      this.hadoopProperties.put(key, value);
      return this;
    }

    public IngesterConfig build() {
      List<String> problems = new ArrayList<>();
      if (isBlank(bootstrapServers) && isBlank(kafkaProperties.get("bootstrap.servers"))) {
        problems.add("Missing --bootstrap-servers: give the Kafka brokers as HOST:PORT[,HOST:PORT...]"
            + " (or kafka.bootstrap.servers in the config file).");
      }
      if (isBlank(topic)) {
        problems.add("Missing --topic: give the Kafka topic to ingest.");
      } else if (topic.contains("/") || topic.contains(",")) {
        problems.add("Invalid --topic: '" + topic + "' (one topic name; '/' and ',' are not allowed).");
      }
      if (isBlank(tablePath)) {
        problems.add("Missing --table: give the Delta table location (a path, s3a:// or abfss:// URI).");
      }
      if (isBlank(appId)) {
        problems.add("Missing --app-id: give a stable name for this ingestion job; it keys the offsets in the table.");
      } else if (!APP_ID.matcher(appId).matches()) {
        problems.add("Invalid --app-id: '" + appId + "' (allowed: letters, digits, '.', '_', '-';"
            + " must start with a letter or digit; at most 200 characters).");
      }
      if (commitInterval.isNegative() || commitInterval.toMillis() < 100) {
        problems.add("Invalid --commit-interval: " + commitInterval + " (must be at least 100ms; typical: 60s).");
      }
      if (maxRecordsPerCommit.isPresent() && maxRecordsPerCommit.getAsLong() < 1) {
        problems.add("Invalid --max-records-per-commit: " + maxRecordsPerCommit.getAsLong()
            + " (must be >= 1; leave it out for no cap).");
      }
      if (targetFileSizeBytes < MIN_TARGET_FILE_SIZE_BYTES) {
        problems.add("Invalid --target-file-size: " + targetFileSizeBytes + " bytes (must be at least "
            + ByteSize.format(MIN_TARGET_FILE_SIZE_BYTES) + "; typical: 128MB).");
      }
      if (writerThreads < 1 || writerThreads > 256) {
        problems.add("Invalid --writer-threads: " + writerThreads + " (must be between 1 and 256).");
      }
      if (writerMemoryBytes < MIN_WRITER_MEMORY_BYTES) {
        problems.add("Invalid --writer-memory: " + writerMemoryBytes + " bytes (must be at least "
            + ByteSize.format(MIN_WRITER_MEMORY_BYTES) + ").");
      }
      for (String key : kafkaProperties.keySet()) {
        if (RESERVED_KAFKA_KEYS.contains(key)) {
          problems.add("Invalid kafka." + key + ": the ingester sets it itself (offsets are stored in the Delta"
              + " table and records are read as bytes); remove it.");
        }
      }
      if (!problems.isEmpty()) {
        throw new InvalidConfigException(problems);
      }
      return new IngesterConfig(this);
    }

    private static boolean isBlank(String s) {
      return s == null || s.isBlank();
    }
  }
}
