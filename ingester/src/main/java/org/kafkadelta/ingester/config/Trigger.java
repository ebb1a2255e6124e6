package org.kafkadelta.ingester.config;

/** When the ingester stops. Mirrors Spark's {@code trigger(availableNow=True)} and {@code processingTime}. */
public enum Trigger {
  /** Ingest everything up to the end offsets seen at start, commit, exit. */
  AVAILABLE_NOW("available-now"),
  /** Run until stopped, committing every commit interval or sooner when a file fills. */
  CONTINUOUS("continuous");

  private final String cliName;

  Trigger(String cliName) {
    this.cliName = cliName;
  }

  public String cliName() {
    return cliName;
  }

  /** Parses the CLI spelling; throws {@link IllegalArgumentException} naming the allowed values. */
  public static Trigger parse(String text) {
    for (Trigger t : values()) {
      if (t.cliName.equalsIgnoreCase(text.trim())) {
        return t;
      }
    }
    throw new IllegalArgumentException("'" + text + "' is not a trigger (allowed: available-now, continuous)");
  }
}
