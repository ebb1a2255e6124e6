package org.kafkadelta.ingester.delta;

/** Offsets that retention deleted before they were ingested, recorded in the commit that skipped them. */
public record SkippedRange(long firstOffset, long lastOffset) {}
