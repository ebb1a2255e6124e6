/**
 * Benchmarks of the ingester: end-to-end against the raw-consume ceiling, JMH micro-benchmarks of Parquet
 * encoding and Delta commits, memory and latency. Filled in by the performance issue; results go to
 * {@code benchmarks/RESULTS.md}.
 */
package org.kafkadelta.benchmarks;
