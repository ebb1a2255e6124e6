package org.kafkadelta.ingester.delta;

import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import org.kafkadelta.ingester.config.ValueFormat;
import org.kafkadelta.ingester.writer.BronzeColumn;

/** The bronze table's Delta schema, derived from {@link BronzeColumn} like the data files' Parquet schema. */
final class BronzeTableSchema {
  private BronzeTableSchema() {}

  static StructType of(ValueFormat format) {
    StructType schema = new StructType();
    for (BronzeColumn column : BronzeColumn.tableColumns(format)) {
      schema = schema.add(column.name(), deltaType(column.type()), true);
    }
    return schema;
  }

  private static DataType deltaType(BronzeColumn.Type type) {
    switch (type) {
      case STRING:
        return StringType.STRING;
      case BINARY:
        return BinaryType.BINARY;
      case INT:
        return IntegerType.INTEGER;
      case LONG:
        return LongType.LONG;
      case TIMESTAMP:
        return TimestampType.TIMESTAMP;
      case DATE:
        return DateType.DATE;
      case HEADERS:
        return new ArrayType(
            new StructType()
                .add(BronzeColumn.HEADER_KEY, StringType.STRING, true)
                .add(BronzeColumn.HEADER_VALUE, BinaryType.BINARY, true),
            true);
      default:
        throw new IllegalArgumentException("No Delta type for " + type);
    }
  }
}
