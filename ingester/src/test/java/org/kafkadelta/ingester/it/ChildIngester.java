package org.kafkadelta.ingester.it;

import static org.awaitility.Awaitility.await;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.kafkadelta.testkit.EmbeddedKafka;

/**
 * The ingester's fat jar running as a child JVM, the way it runs in production: {@code java [jvm options]
 * -jar kafka-delta-ingester.jar [args]}. Its stdout and stderr go to files (named after the run, in the given
 * directory) so that a test can search them while it runs and print them when it fails.
 *
 * <p>{@link #kill()} is SIGKILL (nothing runs in the child: no shutdown hook, no flush) and {@link #terminate()}
 * is SIGTERM (the child's shutdown hook runs). {@link #close()} SIGKILLs a child that is still alive, so a
 * failing test never leaves one behind. Not thread-safe.
 */
final class ChildIngester implements AutoCloseable {
  /** System property failsafe sets to the fat jar's absolute path. */
  static final String JAR_PROPERTY = "ingester.jar";
  /** Exit code of a JVM ended by SIGKILL (128 + 9). */
  static final int SIGKILL_EXIT_CODE = 137;

  private static final int LOG_TAIL_LINES = 80;
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final String name;
  private final List<String> command;
  private final Path stdoutFile;
  private final Path stderrFile;
  private final Process process;
  private final long startNanos;
  private JMXConnector jmx;
  private long signalNanos = -1;
  private String signal;

  private ChildIngester(String name, List<String> command, Path stdoutFile, Path stderrFile, Process process,
      long startNanos) {
    this.name = name;
    this.command = command;
    this.stdoutFile = stdoutFile;
    this.stderrFile = stderrFile;
    this.process = process;
    this.startNanos = startNanos;
  }

  /**
   * The fat jar named by system property {@value #JAR_PROPERTY}.
   *
   * @throws IllegalStateException if the property is unset or names no file
   */
  static Path jar() {
    String location = System.getProperty(JAR_PROPERTY);
    if (location == null || location.isBlank()) {
      throw new IllegalStateException("System property " + JAR_PROPERTY + " is not set. Run the integration tests"
          + " with 'mvn verify' (failsafe sets it to ingester/target/kafka-delta-ingester.jar after packaging),"
          + " or pass -D" + JAR_PROPERTY + "=/absolute/path/to/kafka-delta-ingester.jar.");
    }
    Path jar = Path.of(location).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("System property " + JAR_PROPERTY + " names " + jar + ", which is not a"
          + " file. Build the fat jar first ('mvn package -pl ingester'), or fix the path.");
    }
    return jar;
  }

  /** The {@code java} launcher of the JVM running the tests, so the child runs on the same Java. */
  static Path javaExecutable() {
    Path fromHome = Path.of(System.getProperty("java.home"), "bin", isWindows() ? "java.exe" : "java");
    if (Files.isExecutable(fromHome)) {
      return fromHome;
    }
    return ProcessHandle.current().info().command().map(Path::of).filter(Files::isExecutable)
        .orElseThrow(() -> new IllegalStateException("Cannot find a java launcher: " + fromHome
            + " is not executable and this process's command is unknown"));
  }

  /**
   * The {@code run} arguments every test needs, followed by {@code more} (e.g. {@code "--trigger",
   * "continuous"}).
   */
  static List<String> runArgs(EmbeddedKafka kafka, String topic, Path table, String appId, String... more) {
    List<String> args = new ArrayList<>(List.of("run",
        "--bootstrap-servers", kafka.bootstrapServers(),
        "--topic", topic,
        "--table", table.toAbsolutePath().toString(),
        "--app-id", appId));
    args.addAll(Arrays.asList(more));
    return args;
  }

  /**
   * Starts {@code java <jvmOptions> -jar <jar> <args>} with {@code logDirectory} as working directory and its
   * output in {@code <logDirectory>/<n>-<name>.stdout.log} and {@code .stderr.log}.
   *
   * <p>The child gets this process's environment minus {@code INGESTER_*} variables (which would silently
   * change its options) and {@code _JAVA_OPTIONS} (which would override {@code jvmOptions} such as -Xmx).
   */
  static ChildIngester start(String name, Path logDirectory, List<String> jvmOptions, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(javaExecutable().toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(args);
    String fileBase = SEQUENCE.incrementAndGet() + "-" + name;
    try {
      Files.createDirectories(logDirectory);
      Path stdout = logDirectory.resolve(fileBase + ".stdout.log");
      Path stderr = logDirectory.resolve(fileBase + ".stderr.log");
      ProcessBuilder builder = new ProcessBuilder(command)
          .directory(logDirectory.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
          .redirectOutput(stdout.toFile())
          .redirectError(stderr.toFile());
      Map<String, String> env = builder.environment();
      env.keySet().removeIf(key -> key.startsWith("INGESTER_") || key.equals("_JAVA_OPTIONS"));
      long startNanos = System.nanoTime();
      Process process = builder.start();
      return new ChildIngester(name, List.copyOf(command), stdout, stderr, process, startNanos);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start child ingester " + name + ": " + String.join(" ", command), e);
    }
  }

  private static File nullDevice() {
    return new File(isWindows() ? "NUL" : "/dev/null");
  }

  private static boolean isWindows() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Time since the child was started. */
  Duration uptime() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /** SIGKILL: the child gets no chance to run anything. Returns at once; use {@link #waitFor}. */
  ChildIngester kill() {
    markSignal("SIGKILL");
    process.destroyForcibly();
    return this;
  }

  /** SIGTERM: the child's shutdown hook runs. Returns at once; use {@link #waitFor}. */
  ChildIngester terminate() {
    markSignal("SIGTERM");
    process.destroy();
    return this;
  }

  private void markSignal(String what) {
    if (signalNanos < 0) {
      signalNanos = System.nanoTime();
      signal = what;
    }
  }

  /**
   * Waits until the child exits and returns its exit code.
   *
   * @throws AssertionError (with the child's logs) if it is still running after {@code timeout}
   */
  int waitFor(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("Child ingester did not exit within " + timeout.toMillis() + " ms"
            + (signal != null ? " of " + signal : "") + "\n" + describe());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for child ingester " + name, e);
    }
    return process.exitValue();
  }

  /** Waits up to {@code timeout} for the child to exit; returns whether it did. */
  boolean exitsWithin(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for child ingester " + name, e);
    }
  }

  /** Time since the first {@link #kill()} or {@link #terminate()}. */
  Duration sinceSignal() {
    if (signalNanos < 0) {
      throw new IllegalStateException("No signal was sent to child ingester " + name);
    }
    return Duration.ofNanos(System.nanoTime() - signalNanos);
  }

  /** Exit code, or empty while running. */
  OptionalInt exitCode() {
    return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
  }

  /** Everything the child wrote to stdout so far. */
  String stdout() {
    return read(stdoutFile);
  }

  /** Everything the child wrote to stderr (its log) so far. */
  String stderr() {
    return read(stderrFile);
  }

  Path stdoutFile() {
    return stdoutFile;
  }

  Path stderrFile() {
    return stderrFile;
  }

  /**
   * Waits until the child's stderr contains {@code text}.
   *
   * @throws AssertionError (with the child's logs) if the child exits first or {@code timeout} passes
   */
  ChildIngester awaitStderr(String text, Duration timeout) {
    return awaitStderr("'" + text + "'", log -> log.contains(text), timeout);
  }

  /**
   * Waits until the child's stderr (all of it so far) satisfies {@code condition}.
   *
   * @param what describes the condition in failure messages
   * @throws AssertionError (with the child's logs) if the child exits first or {@code timeout} passes
   */
  ChildIngester awaitStderr(String what, Predicate<String> condition, Duration timeout) {
    await("child " + name + " logging " + what)
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> {
          if (condition.test(stderr())) {
            return true;
          }
          if (!process.isAlive()) {
            throw new AssertionError("Child ingester exited with code " + process.exitValue()
                + " before logging " + what + "\n" + describe());
          }
          return false;
        });
    return this;
  }

  /**
   * Sum of a numeric attribute over the child's Kafka consumer MBeans of {@code type}, e.g.
   * {@code consumerMetric("consumer-fetch-manager-metrics", "records-consumed-total")}: how many records its
   * consumer has handed to the ingester so far. Read over JMX, attaching to the child with the Attach API
   * (no port to open); returns 0 while no such MBean exists yet.
   */
  double consumerMetric(String type, String attribute) {
    try {
      MBeanServerConnection mbeans = jmx().getMBeanServerConnection();
      double sum = 0;
      ObjectName pattern = new ObjectName("kafka.consumer:type=" + type + ",client-id=*");
      for (ObjectName mbean : mbeans.queryNames(pattern, null)) {
        Object value = mbeans.getAttribute(mbean, attribute);
        if (value instanceof Number n && !Double.isNaN(n.doubleValue())) {
          sum += n.doubleValue();
        }
      }
      return sum;
    } catch (IOException | JMException e) {
      throw new IllegalStateException("Cannot read " + type + "/" + attribute + " from child ingester " + name
          + " over JMX: " + e, e);
    }
  }

  private JMXConnector jmx() throws IOException {
    if (jmx == null) {
      String address;
      try {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(process.pid()));
        try {
          address = vm.startLocalManagementAgent();
        } finally {
          vm.detach();
        }
      } catch (AttachNotSupportedException e) {
        throw new IOException("cannot attach to pid " + process.pid() + ": " + e.getMessage(), e);
      }
      jmx = JMXConnectorFactory.connect(new JMXServiceURL(address));
    }
    return jmx;
  }

  /** Command, state, and the tail of stdout and stderr: for failure messages. */
  String describe() {
    StringBuilder out = new StringBuilder();
    out.append("---- child ingester ").append(name).append(" (pid ").append(process.pid()).append(", ")
        .append(process.isAlive() ? "running" : "exit code " + process.exitValue())
        .append(", up ").append(uptime().toMillis()).append(" ms")
        .append(signal != null ? ", " + signal + " sent " + sinceSignal().toMillis() + " ms ago" : "")
        .append(")\n");
    out.append("command: ").append(String.join(" ", command)).append('\n');
    out.append("---- stdout (").append(stdoutFile).append("):\n").append(tail(stdout(), LOG_TAIL_LINES));
    out.append("---- stderr (").append(stderrFile).append("), last ").append(LOG_TAIL_LINES).append(" lines:\n")
        .append(tail(stderr(), LOG_TAIL_LINES));
    out.append("---- end of child ingester ").append(name).append('\n');
    return out.toString();
  }

  /** Prints {@link #describe()} to stderr (for a failing test's report). */
  void printLogs() {
    System.err.println(describe());
  }

  /** SIGKILLs the child if it is still running and waits (briefly) for it to go. */
  @Override
  public void close() {
    if (jmx != null) {
      try {
        jmx.close();
      } catch (IOException | RuntimeException e) {
        // The child is going away anyway.
      }
      jmx = null;
    }
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Runs {@code body}; if it fails, prints the logs of every child in {@code children} (as it is then) before
   * rethrowing, and in any case kills those still running.
   */
  static void printLogsOnFailure(List<ChildIngester> children, ThrowingRunnable body) throws Exception {
    try {
      body.run();
    } catch (Throwable t) {
      for (ChildIngester child : children) {
        child.printLogs();
      }
      throw t;
    } finally {
      for (ChildIngester child : children) {
        child.close();
      }
    }
  }

  /** A test body. */
  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  private static String tail(String text, int lines) {
    String[] all = text.split("\n", -1);
    int from = Math.max(0, all.length - lines);
    StringBuilder out = new StringBuilder();
    if (from > 0) {
      out.append("... (").append(from).append(" earlier lines)\n");
    }
    for (int i = from; i < all.length; i++) {
      if (i == all.length - 1 && all[i].isEmpty()) {
        break;
      }
      out.append(all[i]).append('\n');
    }
    return out.toString();
  }
}
