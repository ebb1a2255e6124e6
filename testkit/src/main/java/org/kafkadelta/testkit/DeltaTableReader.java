package org.kafkadelta.testkit;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads Delta tables back through Delta Kernel, the way a downstream reader would: it sees only what the
 * Delta log commits, with partition values filled in from the log and deletion vectors applied.
 *
 * <p>Rows come back as {@code Map<String, Object>} keyed by column name in schema order. Value mapping:
 * string → {@link String}, binary → {@code byte[]}, boolean/byte/short/int/long/float/double → the boxed
 * type, decimal → {@link java.math.BigDecimal}, timestamp (microseconds, UTC) → {@link Instant},
 * timestamp_ntz → {@link LocalDateTime}, date → {@link LocalDate}, array → {@link List}, struct → {@code
 * Map<String, Object>}, map → {@code Map<Object, Object>}, null → {@code null}.
 *
 * <p>Each call loads the latest snapshot afresh unless given a {@link Snapshot}. Thread-safe. Creating a
 * reader turns Delta Kernel's and Parquet's INFO logging ({@code io.delta}, {@code org.apache.parquet}) down
 * to WARN, unless a Logback config sets those loggers.
 * Column-mapping tables are read under their physical names, which the tables this project writes never use.
 */
public final class DeltaTableReader {
  private final Engine engine;

  /** A reader on Kernel's default engine with a default Hadoop configuration (local files). */
  public DeltaTableReader() {
    this(new Configuration());
  }

  /** A reader on Kernel's default engine with the given Hadoop configuration (e.g. s3a settings). */
  public DeltaTableReader(Configuration hadoopConf) {
    this(DefaultEngine.create(hadoopConf));
  }

  /** A reader on the given Kernel engine. */
  public DeltaTableReader(Engine engine) {
    this.engine = engine;
    LogLevels.quietUnlessConfigured("io.delta", "org.apache.parquet");
    // Hadoop warns once per JVM that it has no native library; pure-Java code paths are what we want anyway.
    LogLevels.setUnlessConfigured("ERROR", "org.apache.hadoop.util.NativeCodeLoader");
  }

  /** The latest snapshot of the table at {@code tablePath} (a local path or a Hadoop URI). */
  public Snapshot snapshot(String tablePath) {
    return TableManager.loadSnapshot(tablePath).build(engine);
  }

  /** The snapshot of the table at {@code tablePath} as of commit {@code version}. */
  public Snapshot snapshot(String tablePath, long version) {
    return TableManager.loadSnapshot(tablePath).atVersion(version).build(engine);
  }

  /** The latest committed version. */
  public long version(String tablePath) {
    return snapshot(tablePath).getVersion();
  }

  /** The table's logical schema, partition columns included. */
  public StructType schema(String tablePath) {
    return snapshot(tablePath).getSchema();
  }

  /** The partition column names, in partitioning order; empty for an unpartitioned table. */
  public List<String> partitionColumns(String tablePath) {
    return snapshot(tablePath).getPartitionColumnNames();
  }

  /** The table properties ({@code delta.*} and user-defined) of the latest snapshot. */
  public Map<String, String> tableProperties(String tablePath) {
    return snapshot(tablePath).getTableProperties();
  }

  /** The configuration string of {@code domain}'s domain metadata, if the latest snapshot has it. */
  public Optional<String> domainMetadata(String tablePath, String domain) {
    return snapshot(tablePath).getDomainMetadata(domain);
  }

  /** The version of the latest {@code txn} action for {@code appId}, if any (Delta's idempotent-write marker). */
  public Optional<Long> latestTransactionVersion(String tablePath, String appId) {
    return snapshot(tablePath).getLatestTransactionVersion(engine, appId);
  }

  /** Every row of the latest snapshot. Loads them all into memory: use {@link #forEachRow} for large tables. */
  public List<Map<String, Object>> readRows(String tablePath) {
    return readRows(snapshot(tablePath));
  }

  /** Every row of {@code snapshot}. */
  public List<Map<String, Object>> readRows(Snapshot snapshot) {
    List<Map<String, Object>> rows = new ArrayList<>();
    forEachRow(snapshot, rows::add);
    return rows;
  }

  /** Passes every row of the latest snapshot to {@code action}, one at a time, in no particular order. */
  public void forEachRow(String tablePath, Consumer<Map<String, Object>> action) {
    forEachRow(snapshot(tablePath), action);
  }

  /** Passes every row of {@code snapshot} to {@code action}, one at a time, in no particular order. */
  public void forEachRow(Snapshot snapshot, Consumer<Map<String, Object>> action) {
    StructType schema = snapshot.getSchema();
    forEachBatch(snapshot, batch -> {
      ColumnarBatch data = batch.getData();
      Optional<ColumnVector> selection = batch.getSelectionVector();
      // Look columns up by name: partition columns are appended back by Kernel, not in file order.
      ColumnVector[] vectors = new ColumnVector[schema.length()];
      for (int c = 0; c < vectors.length; c++) {
        String name = schema.at(c).getName();
        int ordinal = data.getSchema().indexOf(name);
        if (ordinal < 0) {
          throw new IllegalStateException("Column " + name + " of table " + snapshot.getPath()
              + " is missing from the data Kernel returned, which has " + data.getSchema());
        }
        vectors[c] = data.getColumnVector(ordinal);
      }
      for (int r = 0; r < data.getSize(); r++) {
        if (isSelected(selection, r)) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int c = 0; c < vectors.length; c++) {
            StructField field = schema.at(c);
            row.put(field.getName(), toJava(vectors[c], r, field.getDataType(), field.getName()));
          }
          action.accept(row);
        }
      }
    });
  }

  /** The number of rows in the latest snapshot (reads every data file, converting nothing). */
  public long countRows(String tablePath) {
    long[] count = {0};
    forEachBatch(snapshot(tablePath), batch -> {
      Optional<ColumnVector> selection = batch.getSelectionVector();
      int size = batch.getData().getSize();
      for (int r = 0; r < size; r++) {
        if (isSelected(selection, r)) {
          count[0]++;
        }
      }
    });
    return count[0];
  }

  /** Reads each data file of the scan and hands over Kernel's logical batches (partition values included). */
  private void forEachBatch(Snapshot snapshot, Consumer<FilteredColumnarBatch> action) {
    Scan scan = snapshot.getScanBuilder().build();
    Row scanState = scan.getScanState(engine);
    StructType physicalReadSchema = ScanStateRow.getPhysicalDataReadSchema(scanState);
    try (CloseableIterator<FilteredColumnarBatch> scanFiles = scan.getScanFiles(engine)) {
      while (scanFiles.hasNext()) {
        try (CloseableIterator<Row> scanFileRows = scanFiles.next().getRows()) {
          while (scanFileRows.hasNext()) {
            Row scanFile = scanFileRows.next();
            FileStatus file = InternalScanFileUtils.getAddFileStatus(scanFile);
            CloseableIterator<ColumnarBatch> physicalData = engine.getParquetHandler()
                .readParquetFiles(Utils.singletonCloseableIterator(file), physicalReadSchema, Optional.empty())
                .map(FileReadResult::getData);
            try (CloseableIterator<FilteredColumnarBatch> logicalData =
                Scan.transformPhysicalData(engine, scanState, scanFile, physicalData)) {
              while (logicalData.hasNext()) {
                action.accept(logicalData.next());
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read Delta table " + snapshot.getPath() + " at version "
          + snapshot.getVersion(), e);
    }
  }

  private static boolean isSelected(Optional<ColumnVector> selection, int rowId) {
    return selection.isEmpty() || (!selection.get().isNullAt(rowId) && selection.get().getBoolean(rowId));
  }

  /** Converts one value; {@code path} names the column (e.g. {@code headers.element.key}) for errors. */
  private static Object toJava(ColumnVector vector, int rowId, DataType type, String path) {
    if (vector.isNullAt(rowId)) {
      return null;
    }
    if (type instanceof StringType) {
      return vector.getString(rowId);
    } else if (type instanceof BinaryType) {
      return vector.getBinary(rowId);
    } else if (type instanceof IntegerType) {
      return vector.getInt(rowId);
    } else if (type instanceof LongType) {
      return vector.getLong(rowId);
    } else if (type instanceof TimestampType) {
      return microsToInstant(vector.getLong(rowId));
    } else if (type instanceof TimestampNTZType) {
      return LocalDateTime.ofInstant(microsToInstant(vector.getLong(rowId)), ZoneOffset.UTC);
    } else if (type instanceof DateType) {
      return LocalDate.ofEpochDay(vector.getInt(rowId));
    } else if (type instanceof BooleanType) {
      return vector.getBoolean(rowId);
    } else if (type instanceof ByteType) {
      return vector.getByte(rowId);
    } else if (type instanceof ShortType) {
      return vector.getShort(rowId);
    } else if (type instanceof FloatType) {
      return vector.getFloat(rowId);
    } else if (type instanceof DoubleType) {
      return vector.getDouble(rowId);
    } else if (type instanceof DecimalType) {
      return vector.getDecimal(rowId);
    } else if (type instanceof ArrayType arrayType) {
      ArrayValue array = vector.getArray(rowId);
      List<Object> list = new ArrayList<>(array.getSize());
      for (int i = 0; i < array.getSize(); i++) {
        list.add(toJava(array.getElements(), i, arrayType.getElementType(), path + ".element"));
      }
      return list;
    } else if (type instanceof StructType structType) {
      Map<String, Object> struct = new LinkedHashMap<>();
      for (int f = 0; f < structType.length(); f++) {
        StructField field = structType.at(f);
        struct.put(field.getName(),
            toJava(vector.getChild(f), rowId, field.getDataType(), path + "." + field.getName()));
      }
      return struct;
    } else if (type instanceof MapType mapType) {
      MapValue map = vector.getMap(rowId);
      Map<Object, Object> result = new LinkedHashMap<>();
      for (int i = 0; i < map.getSize(); i++) {
        result.put(toJava(map.getKeys(), i, mapType.getKeyType(), path + ".key"),
            toJava(map.getValues(), i, mapType.getValueType(), path + ".value"));
      }
      return result;
    }
    throw new IllegalArgumentException("Cannot convert column " + path + " of type " + type
        + " to a Java value: the type is not supported by this reader");
  }

  private static Instant microsToInstant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }
}
