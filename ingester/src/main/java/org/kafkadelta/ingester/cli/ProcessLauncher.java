package org.kafkadelta.ingester.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
    Ingester ingester = Ingester.create(config, clock);
    AtomicBoolean terminating = new AtomicBoolean();
    AtomicInteger exitCode = new AtomicInteger(1);
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      terminating.set(true);
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
    try {
      IngestionMetrics metrics = ingester.run();
      out.println(metrics.summaryLine(java.time.Duration.ofNanos(System.nanoTime() - startNanos)));
      out.flush();
      exitCode.set(0);
    } catch (IngesterException e) {
      LOG.error("{}", e.getMessage(), e.getCause());
      exitCode.set(1);
    } catch (RuntimeException e) {
      LOG.error("Ingestion failed: {}. Everything committed so far is safe; a restart resumes from the table's"
          + " offsets.", e.toString(), e);
      exitCode.set(1);
    } finally {
      try {
        ingester.close();
      } catch (RuntimeException e) {
        LOG.warn("Closing the Kafka consumer failed: {}", e.toString());
      }
      finished.countDown();
    }
    if (terminating.get()) {
      // The shutdown hook owns the exit now; returning would race it to System.exit and block.
      waitForever();
    }
    Runtime.getRuntime().removeShutdownHook(hook);
    return exitCode.get();
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
