package org.kafkadelta.testkit;

import org.slf4j.LoggerFactory;

/**
 * Turns down chatty third-party loggers (the broker logs hundreds of INFO lines at start-up, Delta Kernel
 * and Parquet a few per snapshot and file) when Logback is the SLF4J provider.
 *
 * <p>A logger that already has an explicit level, for instance from a module's {@code logback-test.xml},
 * is left alone, so whoever runs the tests keeps the last word. With any other SLF4J provider, or none,
 * this does nothing.
 */
final class LogLevels {
  private LogLevels() {}

  /** Sets each named logger to WARN unless it already has a level of its own. */
  static void quietUnlessConfigured(String... loggerNames) {
    setUnlessConfigured("WARN", loggerNames);
  }

  /** Sets each named logger to {@code level} (e.g. {@code "ERROR"}) unless it already has a level of its own. */
  static void setUnlessConfigured(String level, String... loggerNames) {
    if (logbackIsTheProvider()) {
      Logback.setUnlessConfigured(level, loggerNames);
    }
  }

  /** Sets the root level: for a command-line tool run without a Logback config file (whose default is DEBUG). */
  static void setRootLevel(String level) {
    if (logbackIsTheProvider()) {
      Logback.setRootLevel(level);
    }
  }

  // Checked by name so this class loads even when Logback is absent; only the nested class below touches
  // Logback types, and it is loaded only when Logback is the provider.
  private static boolean logbackIsTheProvider() {
    return LoggerFactory.getILoggerFactory().getClass().getName().startsWith("ch.qos.logback.classic.");
  }

  private static final class Logback {
    static void setUnlessConfigured(String level, String... loggerNames) {
      for (String name : loggerNames) {
        if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger logger
            && logger.getLevel() == null) {
          logger.setLevel(ch.qos.logback.classic.Level.valueOf(level));
        }
      }
    }

    static void setRootLevel(String level) {
      if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
        root.setLevel(ch.qos.logback.classic.Level.valueOf(level));
      }
    }
  }
}
