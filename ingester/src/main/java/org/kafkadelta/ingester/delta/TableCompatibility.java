package org.kafkadelta.ingester.delta;

import io.delta.kernel.Operation;
import io.delta.kernel.Snapshot;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.kafkadelta.ingester.config.ValueFormat;
import org.kafkadelta.ingester.writer.BronzeColumn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks that an existing table can take bronze rows before anything is ingested: same columns and types
 * (extra nullable columns are fine), partitioned by ingestion_date only, no column mapping, and the
 * domainMetadata feature that stores the offsets (enabled here if missing).
 */
final class TableCompatibility {
  private static final Logger LOG = LoggerFactory.getLogger(TableCompatibility.class);

  private TableCompatibility() {}

  /** Returns the snapshot to write on (a newer one if the domainMetadata feature had to be enabled). */
  static Snapshot check(Engine engine, Snapshot snapshot, ValueFormat format) {
    String path = snapshot.getPath();
    List<String> problems = new ArrayList<>();
    String mapping = snapshot.getTableProperties().getOrDefault("delta.columnMapping.mode", "none");
    if (!mapping.equalsIgnoreCase("none")) {
      problems.add("it uses column mapping (delta.columnMapping.mode=" + mapping + "), which Delta Kernel cannot"
          + " write yet");
    }
    List<String> partitionColumns = snapshot.getPartitionColumnNames();
    if (!partitionColumns.equals(List.of(BronzeColumn.INGESTION_DATE))) {
      problems.add("it is partitioned by " + partitionColumns + ", the ingester writes ["
          + BronzeColumn.INGESTION_DATE + "]");
    }
    problems.addAll(schemaDifferences(snapshot.getSchema(), BronzeTableSchema.of(format), format));
    if (!problems.isEmpty()) {
      throw new IncompatibleTableException("Cannot ingest into table " + path + ": " + String.join("; ", problems)
          + ". Point --table at a new location, or use the settings the table was created with.");
    }
    return withDomainMetadata(engine, snapshot);
  }

  static List<String> schemaDifferences(StructType actual, StructType expected, ValueFormat format) {
    List<String> problems = new ArrayList<>();
    for (StructField want : expected.fields()) {
      int i = actual.indexOf(want.getName());
      if (i < 0) {
        problems.add("column '" + want.getName() + "' (" + want.getDataType() + ") is missing" + formatHint(actual, format));
      } else if (!actual.at(i).getDataType().equivalent(want.getDataType())) {
        problems.add("column '" + want.getName() + "' is " + actual.at(i).getDataType() + " in the table but the"
            + " ingester writes " + want.getDataType());
      }
    }
    for (StructField have : actual.fields()) {
      if (expected.indexOf(have.getName()) < 0 && !have.isNullable()) {
        problems.add("column '" + have.getName() + "' is NOT NULL but the ingester does not write it");
      }
    }
    return problems;
  }

  private static String formatHint(StructType actual, ValueFormat format) {
    if (format == ValueFormat.STRING && actual.indexOf(BronzeColumn.VALUE) >= 0) {
      return " (the table has a binary 'value' column: was it created with --value-format binary?)";
    }
    if (format == ValueFormat.BINARY && actual.indexOf(BronzeColumn.RAW_JSON) >= 0) {
      return " (the table has a 'raw_json' column: was it created with --value-format string?)";
    }
    return "";
  }

  private static Snapshot withDomainMetadata(Engine engine, Snapshot snapshot) {
    if (snapshot.getProtocol().getWriterFeatures().contains(DeltaTableGateway.DOMAIN_METADATA_FEATURE)) {
      return snapshot;
    }
    String path = snapshot.getPath();
    Snapshot upgraded;
    try {
      upgraded = DeltaTableGateway.afterCommit(engine, path,
          snapshot.buildUpdateTableTransaction(DeltaTableGateway.ENGINE_INFO, Operation.MANUAL_UPDATE)
              .withTablePropertiesAdded(Map.of("delta.feature." + DeltaTableGateway.DOMAIN_METADATA_FEATURE,
                  "supported"))
              .build(engine)
              .commit(engine, CloseableIterable.emptyIterable()));
    } catch (RuntimeException e) {
      throw new IncompatibleTableException("Cannot ingest into table " + path + ": it lacks the '"
          + DeltaTableGateway.DOMAIN_METADATA_FEATURE + "' table feature that stores the Kafka offsets, and enabling"
          + " it failed (" + e.getMessage() + "). Enable it with ALTER TABLE ... SET TBLPROPERTIES"
          + " ('delta.feature.domainMetadata'='supported'), or use a new table location.", e);
    }
    LOG.info("Enabled the {} table feature on {} to store Kafka offsets",
        DeltaTableGateway.DOMAIN_METADATA_FEATURE.toLowerCase(Locale.ROOT), path);
    return upgraded;
  }
}
