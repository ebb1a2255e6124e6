package org.kafkadelta.ingester.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Locale;
import java.util.Map;

/**
 * The ingester's logging set-up, found by Logback through {@code META-INF/services}. Done in code because
 * parsing a {@code logback.xml} loads an XML parser and Logback's configuration model, ≈ 600 classes and
 * ≈ 0.2 s of every start.
 *
 * <p>Logs go to stderr, so that stdout carries only the run summary. The root level comes from
 * {@code INGESTER_LOG_LEVEL} (system property, then environment; default INFO). An operator's own Logback
 * file wins: with {@code -Dlogback.configurationFile} set, or a {@code logback.xml} / {@code logback-test.xml}
 * on the class path, this set-up steps aside.
 */
public final class LogbackSetup extends ContextAwareBase implements Configurator {
  static final String LEVEL_SETTING = "INGESTER_LOG_LEVEL";
  private static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level [%thread] %logger{0} - %msg%n";
  /** Kernel logs every snapshot and transaction at INFO; Kafka, Hadoop and Parquet are chatty too. */
  private static final Map<String, Level> LIBRARY_LEVELS = Map.of(
      "io.delta", Level.WARN,
      // "Cannot find a complete checkpoint" on every snapshot of a young table is expected, not a warning.
      "io.delta.kernel.internal.snapshot.SnapshotManager", Level.ERROR,
      "org.apache.hadoop.util.NativeCodeLoader", Level.ERROR,
      "org.apache.kafka", Level.WARN,
      "org.apache.hadoop", Level.WARN,
      "org.apache.parquet", Level.WARN,
      "io.unitycatalog", Level.WARN);

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (operatorConfigurationPresent()) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(rootLevel());
    root.addAppender(stderr);
    LIBRARY_LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private static boolean operatorConfigurationPresent() {
    ClassLoader loader = LogbackSetup.class.getClassLoader();
    return System.getProperty("logback.configurationFile") != null
        || loader.getResource("logback-test.xml") != null
        || loader.getResource("logback.xml") != null;
  }

  private static Level rootLevel() {
    String text = System.getProperty(LEVEL_SETTING, System.getenv(LEVEL_SETTING));
    if (text == null || text.isBlank()) {
      return Level.INFO;
    }
    Level level = Level.toLevel(text.trim(), null);
    if (level == null) {
      // Logging is not up yet, so say it directly; a typo must not silently hide or flood the log.
      System.err.printf(Locale.ROOT, "%s=%s is not a log level (use TRACE, DEBUG, INFO, WARN, ERROR or OFF);"
          + " logging at INFO%n", LEVEL_SETTING, text);
      return Level.INFO;
    }
    return level;
  }
}
