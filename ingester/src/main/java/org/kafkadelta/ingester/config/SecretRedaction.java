package org.kafkadelta.ingester.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides which settings are secrets (SASL JAAS configs, passwords, storage keys, tokens) so that config
 * dumps and error messages never print them.
 */
public final class SecretRedaction {
  static final String REDACTED = "[redacted]";
  private static final List<String> SECRET_MARKERS =
      List.of("password", "secret", "jaas", "token", "credential", "sas", ".key", "key.", "connection.string");
  private static final List<String> NOT_SECRET = List.of("deserializer", "serializer", "keystore.type", "key.length");

  private SecretRedaction() {}

  /** Whether the value of {@code key} must not be printed. */
  public static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    if (NOT_SECRET.stream().anyMatch(k::contains)) {
      return false;
    }
    return SECRET_MARKERS.stream().anyMatch(k::contains);
  }

  /** A sorted copy of {@code settings} with every secret value replaced by {@value #REDACTED}. */
  public static Map<String, String> redact(Map<String, String> settings) {
    Map<String, String> out = new TreeMap<>();
    settings.forEach((k, v) -> out.put(k, isSecret(k) ? REDACTED : v));
    return out;
  }
}
