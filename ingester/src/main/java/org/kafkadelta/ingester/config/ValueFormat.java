package org.kafkadelta.ingester.config;

/** How the Kafka record value is stored in the bronze table. */
public enum ValueFormat {
  /**
   * Column {@code raw_json} (string), like Spark's {@code value.cast("string")}. Values that are not valid
   * UTF-8 are stored decoded with U+FFFD replacement characters, and their original bytes go to the
   * nullable {@code raw_value_bytes} column, so nothing is lost and every reader can open the table.
   */
  STRING,
  /** Column {@code value} (binary): every value byte-exact. */
  BINARY;

  public static ValueFormat parse(String text) {
    switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "string":
        return STRING;
      case "binary":
        return BINARY;
      default:
        throw new IllegalArgumentException("'" + text + "' is not a value format (allowed: string, binary)");
    }
  }
}
