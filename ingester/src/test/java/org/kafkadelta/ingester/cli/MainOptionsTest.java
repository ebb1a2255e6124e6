package org.kafkadelta.ingester.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kafkadelta.ingester.config.Compression;
import org.kafkadelta.ingester.config.IngesterConfig;
import org.kafkadelta.ingester.config.StartingOffsets;
import org.kafkadelta.ingester.config.Trigger;
import org.kafkadelta.ingester.config.ValueFormat;

class MainOptionsTest {
  private static final String[] REQUIRED = {
      "run", "--bootstrap-servers", "localhost:9092", "--topic", "events", "--table", "/tmp/t", "--app-id", "job"};

  private final List<IngesterConfig> launched = new ArrayList<>();
  private final StringWriter err = new StringWriter();

  private int execute(Map<String, String> env, String... args) {
    return Main.execute(args, env, (config, clock, out) -> {
      launched.add(config);
      return 0;
    }, new PrintWriter(new StringWriter()), new PrintWriter(err, true));
  }

  /** The required options plus {@code extra}; an option in {@code extra} replaces the required one of that name. */
  private static String[] withRequired(String... extra) {
    List<String> all = new ArrayList<>(List.of(REQUIRED));
    for (int i = 0; i + 1 < extra.length; i += 2) {
      int at = all.indexOf(extra[i]);
      if (at >= 0) {
        all.remove(at + 1);
        all.remove(at);
      }
    }
    all.addAll(List.of(extra));
    return all.toArray(String[]::new);
  }

  @ParameterizedTest(name = "{0} {1} is rejected")
  @CsvSource(delimiter = '|', value = {
      "--trigger|sometimes|available-now, continuous",
      "--commit-interval|5 parsecs|examples: 500ms",
      "--max-records-per-commit|lots|whole number",
      "--max-records-per-commit|0|must be >= 1",
      "--starting-offsets|yesterday|earliest, latest, or an ISO-8601",
      "--fail-on-data-loss|maybe|allowed: true, false",
      "--target-file-size|12XB|examples: 128MB",
      "--target-file-size|128|must be at least",
      "--compression|rar|allowed: snappy, zstd",
      "--value-format|xml|allowed: string, binary",
      "--app-id|has space|allowed: letters, digits",
      "--kafka-property|enable.auto.commit=true|the ingester sets it itself"})
  void aBadValueExitsWithCode2AndOneLineNamingOptionValueAndWhatIsAllowed(String option, String value, String allowed) {
    int code = execute(Map.of(), withRequired(option, value));

    assertThat(code).isEqualTo(2);
    assertThat(launched).isEmpty();
    String message = err.toString().strip();
    assertThat(message.lines()).hasSize(1);
    assertThat(message).contains(option.replace("--kafka-property", "kafka.enable.auto.commit"))
        .contains(value.contains("=") ? "enable.auto.commit" : value)
        .contains(allowed);
  }

  @Test
  void missingRequiredOptionsAreAllReportedAtOnce() {
    int code = execute(Map.of(), "run", "--topic", "events");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("Missing --bootstrap-servers").contains("Missing --table")
        .contains("Missing --app-id").doesNotContain("Missing --topic");
  }

  @Test
  void anUnknownOptionExitsWithCode2() {
    assertThat(execute(Map.of(), withRequired("--speed", "fast"))).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option").contains("--speed");
  }

  @Test
  void optionsMapToTheConfig() {
    int code = execute(Map.of(), withRequired("--trigger", "continuous", "--commit-interval", "30s",
        "--max-records-per-commit", "100000", "--starting-offsets", "2026-11-25T10:00:00Z",
        "--fail-on-data-loss", "false", "--target-file-size", "64MB", "--compression", "zstd",
        "--value-format", "binary", "--kafka-property", "security.protocol=SASL_SSL",
        "--kafka-property", "kafka.sasl.mechanism=PLAIN", "--hadoop-property", "fs.s3a.endpoint=http://x:9000"));

    assertThat(code).isZero();
    IngesterConfig c = launched.get(0);
    assertThat(c.trigger()).isEqualTo(Trigger.CONTINUOUS);
    assertThat(c.commitInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.maxRecordsPerCommit()).hasValue(100_000);
    assertThat(c.startingOffsets()).isEqualTo(StartingOffsets.parse("2026-11-25T10:00:00Z"));
    assertThat(c.failOnDataLoss()).isFalse();
    assertThat(c.targetFileSizeBytes()).isEqualTo(64L << 20);
    assertThat(c.compression()).isEqualTo(Compression.ZSTD);
    assertThat(c.valueFormat()).isEqualTo(ValueFormat.BINARY);
    assertThat(c.kafkaProperties()).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN");
    assertThat(c.hadoopProperties()).containsEntry("fs.s3a.endpoint", "http://x:9000");
  }

  @Test
  void defaultsMatchTheDocumentedOnes() {
    assertThat(execute(Map.of(), REQUIRED)).isZero();
    IngesterConfig c = launched.get(0);
    assertThat(c.trigger()).isEqualTo(Trigger.AVAILABLE_NOW);
    assertThat(c.commitInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.maxRecordsPerCommit()).isEmpty();
    assertThat(c.startingOffsets()).isEqualTo(StartingOffsets.earliest());
    assertThat(c.failOnDataLoss()).isTrue();
    assertThat(c.targetFileSizeBytes()).isEqualTo(128L << 20);
    assertThat(c.compression()).isEqualTo(Compression.SNAPPY);
    assertThat(c.valueFormat()).isEqualTo(ValueFormat.STRING);
  }

  @Test
  void commandLineBeatsEnvironmentWhichBeatsTheConfigFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("ingester.properties");
    Files.writeString(file, String.join("\n",
        "bootstrap-servers=file:9092", "topic=from-file", "table=/tmp/file", "app-id=file-job",
        "commit-interval=10s", "compression=gzip",
        "kafka.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required password=\"s3cret\";",
        "hadoop.fs.s3a.secret.key=abc"));

    int code = execute(Map.of("INGESTER_COMMIT_INTERVAL", "20s", "INGESTER_TOPIC", "from-env"),
        "run", "--config", file.toString(), "--commit-interval", "30s");

    assertThat(code).isZero();
    IngesterConfig c = launched.get(0);
    assertThat(c.commitInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.topic()).isEqualTo("from-env");
    assertThat(c.bootstrapServers()).isEqualTo("file:9092");
    assertThat(c.compression()).isEqualTo(Compression.GZIP);
    assertThat(c.kafkaProperties()).containsKey("sasl.jaas.config");
    assertThat(c.describe().toString()).doesNotContain("s3cret").doesNotContain("abc")
        .contains("kafka.sasl.jaas.config=[redacted]").contains("hadoop.fs.s3a.secret.key=[redacted]");
  }

  @Test
  void aBadValueFromTheEnvironmentIsRejectedLikeOneFromTheCommandLine() {
    assertThat(execute(Map.of("INGESTER_TRIGGER", "never"), REQUIRED)).isEqualTo(2);
    assertThat(err.toString()).contains("--trigger").contains("never");
  }

  @Test
  void anUnknownKeyInTheConfigFileIsRejected(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.properties");
    Files.writeString(file, "commit-intervall=10s\n");
    assertThat(execute(Map.of(), withRequired("--config", file.toString()))).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown setting 'commit-intervall'").contains("commit-interval");
  }

  @Test
  void aMissingConfigFileIsRejected(@TempDir Path dir) {
    assertThat(execute(Map.of(), withRequired("--config", dir.resolve("nope.properties").toString()))).isEqualTo(2);
    assertThat(err.toString()).contains("Cannot read --config").contains("nope.properties");
  }
}
