package org.kafkadelta.ingester.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.kafkadelta.ingester.config.InvalidConfigException;

/**
 * A Java properties file with the same settings as the command line: option names without the dashes
 * ({@code commit-interval=30s}), {@code kafka.*} keys passed to the Kafka client and {@code hadoop.*} keys
 * passed to the Hadoop filesystem (e.g. {@code hadoop.fs.s3a.endpoint}).
 */
record ConfigFile(Map<String, String> options, Map<String, String> kafka, Map<String, String> hadoop) {
  static final String KAFKA_PREFIX = "kafka.";
  static final String HADOOP_PREFIX = "hadoop.";

  static ConfigFile empty() {
    return new ConfigFile(Map.of(), Map.of(), Map.of());
  }

  static ConfigFile load(Path file, java.util.Set<String> optionNames) {
    Properties props = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(reader);
    } catch (IOException e) {
      throw new InvalidConfigException("Cannot read --config " + file + ": " + e
          + ". Give a readable properties file.");
    }
    Map<String, String> options = new LinkedHashMap<>();
    Map<String, String> kafka = new LinkedHashMap<>();
    Map<String, String> hadoop = new LinkedHashMap<>();
    java.util.List<String> problems = new java.util.ArrayList<>();
    for (String key : props.stringPropertyNames()) {
      String value = props.getProperty(key).trim();
      if (key.startsWith(KAFKA_PREFIX)) {
        kafka.put(key.substring(KAFKA_PREFIX.length()), value);
      } else if (key.startsWith(HADOOP_PREFIX)) {
        hadoop.put(key.substring(HADOOP_PREFIX.length()), value);
      } else if (optionNames.contains(key)) {
        options.put(key, value);
      } else {
        problems.add("Unknown setting '" + key + "' in --config " + file + " (allowed: " + String.join(", ",
            new java.util.TreeSet<>(optionNames)) + ", kafka.*, hadoop.*).");
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(problems);
    }
    return new ConfigFile(options, kafka, hadoop);
  }
}
