package org.kafkadelta.ingester.cli;

import java.io.PrintWriter;
import java.time.Clock;
import org.kafkadelta.ingester.config.IngesterConfig;

/** Runs a validated configuration and returns the process exit code. */
@FunctionalInterface
interface IngesterLauncher {
  int launch(IngesterConfig config, Clock clock, PrintWriter out);
}
