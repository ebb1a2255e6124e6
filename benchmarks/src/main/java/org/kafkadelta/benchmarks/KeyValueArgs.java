package org.kafkadelta.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A benchmark's settings, given on its command line as {@code key=value} arguments. */
public final class KeyValueArgs {
  private KeyValueArgs() {}

  /**
   * Splits each argument at its first '=' into {key, value}.
   *
   * @param keys the accepted keys, comma-separated (also shown in the error message)
   * @throws IllegalArgumentException naming the argument and the accepted keys, for a missing '=' or an
   *     unknown key
   */
  public static List<String[]> pairs(String[] args, String keys) {
    Set<String> accepted = Set.of(keys.split(",\\s*"));
    List<String[]> out = new ArrayList<>();
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("Expected key=value, got '" + arg + "' (keys: " + keys + ")");
      }
      if (!accepted.contains(kv[0])) {
        throw new IllegalArgumentException("Unknown setting '" + kv[0] + "' (keys: " + keys + ")");
      }
      out.add(kv);
    }
    return out;
  }

  /** A value holding several words (JVM options, ingester arguments); a blank value gives none. */
  public static List<String> words(String value) {
    return value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
  }
}
