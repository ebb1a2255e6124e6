package org.kafkadelta.ingester.it;

import java.nio.file.Path;
import java.time.Clock;
import org.kafkadelta.ingester.app.Ingester;
import org.kafkadelta.ingester.config.IngesterConfig;
import org.kafkadelta.ingester.metrics.IngestionMetrics;
import org.kafkadelta.testkit.EmbeddedKafka;

/** Runs the ingester in-process, the way the CLI does, for tests that need no separate JVM. */
final class Ingestion {
  private Ingestion() {}

  static IngesterConfig.Builder config(EmbeddedKafka kafka, String topic, Path table, String appId) {
    return IngesterConfig.builder()
        .bootstrapServers(kafka.bootstrapServers())
        .topic(topic)
        .tablePath(table.toString())
        .appId(appId)
        .writerThreads(2);
  }

  /** Runs to completion (available-now unless the config says otherwise) and returns what was committed. */
  static IngestionMetrics run(IngesterConfig config) {
    try (Ingester ingester = Ingester.create(config, Clock.systemUTC())) {
      return ingester.run();
    }
  }
}
