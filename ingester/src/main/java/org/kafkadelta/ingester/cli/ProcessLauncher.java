package org.kafkadelta.ingester.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.kafkadelta.ingester.IngesterException;
import org.kafkadelta.ingester.app.Ingester;
import org.kafkadelta.ingester.config.IngesterConfig;
import org.kafkadelta.ingester.metrics.IngestionMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the ingester as this process's job. On SIGTERM (or Ctrl-C) a shutdown hook asks it to stop polling,
 * waits for the final commit, and ends the JVM with the run's exit code (0 for an orderly stop) within
 * {@link #STOP_GRACE_MILLIS}. If the commit does not finish in time the process exits 1; nothing is lost,
 * since a restart resumes from the table's offsets.
 */
final class ProcessLauncher implements IngesterLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessLauncher.class);
  static final long STOP_GRACE_MILLIS = 9_000;

  @Override
  public int launch(IngesterConfig config, Clock clock, PrintWriter out) {
    long startNanos = System.nanoTime();
    AtomicReference<Ingester> running = new AtomicReference<>();
    AtomicBoolean terminating = new AtomicBoolean();
    AtomicInteger exitCode = new AtomicInteger(1);
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      terminating.set(true);
      Ingester ingester = running.get();
      if (ingester == null) {
        Runtime.getRuntime().halt(0); // stopped while starting: nothing was read yet
      }
      LOG.info("Stop requested: finishing and committing buffered records");
      ingester.requestStop();
      try {
        if (!finished.await(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
          LOG.error("The final commit did not finish within {} ms; exiting without it (a restart resumes from"
              + " the table's offsets)", STOP_GRACE_MILLIS);
          Runtime.getRuntime().halt(1);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      out.flush();
      // The JVM would report 143 for SIGTERM; an orderly stop is a success.
      Runtime.getRuntime().halt(exitCode.get());
    }, "ingester-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    Ingester ingester = null;
    try {
      ingester = Ingester.create(config, clock);
      running.set(ingester);
      IngestionMetrics metrics = ingester.run();
      out.println(metrics.summaryLine(Duration.ofNanos(System.nanoTime() - startNanos)));
      out.flush();
      exitCode.set(0);
    } catch (IngesterException e) {
      LOG.error("{}", e.getMessage(), e.getCause());
    } catch (RuntimeException e) {
      LOG.error("Ingestion failed: {}. Everything committed so far is safe; a restart resumes from the table's"
          + " offsets.", e.toString(), e);
    } finally {
      // Everything is committed (or failed) now: a pending SIGTERM may end the process from here on.
      finished.countDown();
      if (ingester != null) {
        close(ingester);
      }
    }
    if (!terminating.get()) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
        return exitCode.get();
      } catch (IllegalStateException shutdownInProgress) {
        // SIGTERM arrived just now; the hook ends the process.
      }
    }
    // The shutdown hook owns the exit; returning would race it to System.exit and block forever.
    waitForever();
    return exitCode.get();
  }

  private static void close(Ingester ingester) {
    try {
      ingester.close();
    } catch (RuntimeException e) {
      LOG.warn("Closing the Kafka consumer failed: {}", e.toString());
    }
  }

  private static void waitForever() {
    while (true) {
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
