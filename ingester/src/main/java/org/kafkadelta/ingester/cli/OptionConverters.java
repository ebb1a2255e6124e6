package org.kafkadelta.ingester.cli;

import java.time.Duration;
import org.kafkadelta.ingester.config.ByteSize;
import org.kafkadelta.ingester.config.Compression;
import org.kafkadelta.ingester.config.DurationText;
import org.kafkadelta.ingester.config.StartingOffsets;
import org.kafkadelta.ingester.config.Trigger;
import org.kafkadelta.ingester.config.ValueFormat;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli converters whose errors say what is allowed; the parsing itself lives in {@code config}. */
final class OptionConverters {
  private OptionConverters() {}

  static final class TriggerConverter implements ITypeConverter<Trigger> {
    @Override
    public Trigger convert(String value) {
      return convertWith(() -> Trigger.parse(value));
    }
  }

  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return convertWith(() -> DurationText.parse(value));
    }
  }

  static final class ByteSizeConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      return convertWith(() -> ByteSize.parse(value));
    }
  }

  static final class StartingOffsetsConverter implements ITypeConverter<StartingOffsets> {
    @Override
    public StartingOffsets convert(String value) {
      return convertWith(() -> StartingOffsets.parse(value));
    }
  }

  static final class CompressionConverter implements ITypeConverter<Compression> {
    @Override
    public Compression convert(String value) {
      return convertWith(() -> Compression.parse(value));
    }
  }

  static final class ValueFormatConverter implements ITypeConverter<ValueFormat> {
    @Override
    public ValueFormat convert(String value) {
      return convertWith(() -> ValueFormat.parse(value));
    }
  }

  static final class StrictBooleanConverter implements ITypeConverter<Boolean> {
    @Override
    public Boolean convert(String value) {
      switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "true":
          return true;
        case "false":
          return false;
        default:
          throw new TypeConversionException("'" + value + "' is not a boolean (allowed: true, false)");
      }
    }
  }

  static final class CountConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return Long.parseLong(value.trim().replace("_", ""));
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + value + "' is not a whole number");
      }
    }
  }

  private static <T> T convertWith(java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
