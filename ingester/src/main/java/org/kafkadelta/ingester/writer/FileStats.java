package org.kafkadelta.ingester.writer;

import java.util.OptionalLong;

/**
 * Per-file statistics recorded in the Delta add action so readers can skip files. Timestamps are
 * microseconds since the epoch (UTC), as Delta stores them.
 *
 * @param numRecords rows in the file
 * @param minOffset smallest Kafka offset in the file
 * @param maxOffset largest Kafka offset in the file
 * @param partition the single Kafka partition all rows come from
 * @param minEventTimestampMicros smallest non-null event_enqueued_timestamp, empty if all are null
 * @param maxEventTimestampMicros largest non-null event_enqueued_timestamp, empty if all are null
 * @param minIngestionTimestampMicros smallest ingestion_timestamp
 * @param maxIngestionTimestampMicros largest ingestion_timestamp
 * @param nullKeys rows with a null key
 * @param nullValues rows with a null value (tombstones)
 * @param nullEventTimestamps rows without a Kafka timestamp
 * @param invalidUtf8Values rows whose value was not valid UTF-8 (string mode) and went to raw_value_bytes
 * @param invalidUtf8Keys rows whose key was not valid UTF-8 and went to raw_key_bytes
 */
public record FileStats(
    long numRecords,
    long minOffset,
    long maxOffset,
    int partition,
    OptionalLong minEventTimestampMicros,
    OptionalLong maxEventTimestampMicros,
    long minIngestionTimestampMicros,
    long maxIngestionTimestampMicros,
    long nullKeys,
    long nullValues,
    long nullEventTimestamps,
    long invalidUtf8Values,
    long invalidUtf8Keys) {}
