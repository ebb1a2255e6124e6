package org.kafkadelta.ingester.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Parquet compression codecs the ingester can write (all readable by Spark, Kernel, DuckDB, Arrow). */
public enum Compression {
  SNAPPY("snappy"),
  ZSTD("zstd"),
  GZIP("gz"),
  LZ4_RAW("lz4raw"),
  UNCOMPRESSED("");

  private final String fileSuffix;

  Compression(String fileSuffix) {
    this.fileSuffix = fileSuffix;
  }

  /** The codec part of a data file name, e.g. {@code snappy} in {@code part-<uuid>.snappy.parquet}; empty if none. */
  public String fileSuffix() {
    return fileSuffix;
  }

  public static Compression parse(String text) {
    String normalized = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    if (normalized.equals("NONE")) {
      return UNCOMPRESSED;
    }
    try {
      return valueOf(normalized);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a compression codec (allowed: "
              + Arrays.stream(values()).map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                  .collect(Collectors.joining(", "))
              + ")");
    }
  }
}
