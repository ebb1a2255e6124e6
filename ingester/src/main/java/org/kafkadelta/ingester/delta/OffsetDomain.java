package org.kafkadelta.ingester.delta;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.kafkadelta.ingester.IngesterException;

/**
 * Where a partition's offset lives in the Delta log: one domain-metadata entry per (app id, topic,
 * partition), named {@code kafka-delta-ingester/<app-id>/<topic>/<partition>}, whose configuration is
 * {@code {"nextOffset":N}}: the next Kafka offset to read, i.e. every record below N is in the table.
 *
 * <p>The name <b>must</b> stay stable across releases and restarts: it is how a restarted ingester finds
 * where it stopped. A commit that records data loss adds
 * {@code "skipped":{"firstOffset":A,"lastOffset":B}} to the entry of that commit, for audits.
 */
final class OffsetDomain {
  static final String PREFIX = "kafka-delta-ingester/";
  private static final ObjectMapper JSON = new ObjectMapper();

  private OffsetDomain() {}

  static String name(String appId, String topic, int partition) {
    return PREFIX + appId + "/" + topic + "/" + partition;
  }

  static String encode(long nextOffset, Optional<SkippedRange> skipped) {
    ObjectNode node = JSON.createObjectNode();
    node.put("nextOffset", nextOffset);
    skipped.ifPresent(s -> {
      ObjectNode gap = node.putObject("skipped");
      gap.put("firstOffset", s.firstOffset());
      gap.put("lastOffset", s.lastOffset());
    });
    return node.toString();
  }

  static long decodeNextOffset(String domain, String configuration) {
    try {
      JsonNode next = JSON.readTree(configuration).get("nextOffset");
      if (next == null || !next.canConvertToLong() || next.asLong() < 0) {
        throw new IngesterException("Cannot read the stored offset of domain " + domain + ": configuration '"
            + configuration + "' has no non-negative \"nextOffset\". The table's offsets were changed by"
            + " something else than this ingester; use a new --app-id to start over.");
      }
      return next.asLong();
    } catch (JsonProcessingException e) {
      throw new IngesterException("Cannot read the stored offset of domain " + domain + ": configuration '"
          + configuration + "' is not JSON (" + e.getOriginalMessage() + ").", e);
    }
  }
}
