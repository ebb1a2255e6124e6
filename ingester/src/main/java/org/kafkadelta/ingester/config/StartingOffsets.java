package org.kafkadelta.ingester.config;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where to start reading a partition that has no offset stored in the Delta table yet (Spark's
 * {@code startingOffsets}). Partitions with a stored offset always resume from it.
 */
public final class StartingOffsets {
  /** Which rule applies. */
  public enum Kind {
    EARLIEST,
    LATEST,
    TIMESTAMP
  }

  private final Kind kind;
  private final Instant timestamp;

  private StartingOffsets(Kind kind, Instant timestamp) {
    this.kind = kind;
    this.timestamp = timestamp;
  }

  public static StartingOffsets earliest() {
    return new StartingOffsets(Kind.EARLIEST, null);
  }

  public static StartingOffsets latest() {
    return new StartingOffsets(Kind.LATEST, null);
  }

  /** The first record whose Kafka timestamp is at or after {@code timestamp}. */
  public static StartingOffsets at(Instant timestamp) {
    return new StartingOffsets(Kind.TIMESTAMP, Objects.requireNonNull(timestamp, "timestamp"));
  }

  /** Parses {@code earliest}, {@code latest} or an ISO-8601 instant such as {@code 2026-11-25T10:00:00Z}. */
  public static StartingOffsets parse(String text) {
    String trimmed = text.trim();
    switch (trimmed.toLowerCase(Locale.ROOT)) {
      case "earliest":
        return earliest();
      case "latest":
        return latest();
      default:
        try {
          return at(OffsetDateTime.parse(trimmed).toInstant());
        } catch (DateTimeParseException e) {
          throw new IllegalArgumentException(
              "'" + text + "' is not a starting offset (allowed: earliest, latest, or an ISO-8601 timestamp"
                  + " with offset such as 2026-11-25T10:00:00Z)");
        }
    }
  }

  public Kind kind() {
    return kind;
  }

  /** The timestamp, present only for {@link Kind#TIMESTAMP}. */
  public Optional<Instant> timestamp() {
    return Optional.ofNullable(timestamp);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StartingOffsets
        && ((StartingOffsets) o).kind == kind
        && Objects.equals(((StartingOffsets) o).timestamp, timestamp);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, timestamp);
  }

  @Override
  public String toString() {
    return kind == Kind.TIMESTAMP ? timestamp.toString() : kind.name().toLowerCase(Locale.ROOT);
  }
}
