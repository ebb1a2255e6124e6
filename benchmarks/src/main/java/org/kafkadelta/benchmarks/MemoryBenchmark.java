package org.kafkadelta.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.kafkadelta.testkit.Directories;
import org.kafkadelta.testkit.DeltaTableReader;
import org.kafkadelta.testkit.EmbeddedKafka;
import org.kafkadelta.testkit.GcLogSummary;
import org.kafkadelta.testkit.IotEvents;

/**
 * Memory of the ingester with many partitions: peak heap and peak RSS of the real fat jar, run as a child
 * process with {@code --trigger available-now} and the default 128 MB target file size, so that every
 * partition keeps one file open (with real content, none near the target size) for the whole run.
 *
 * <p>Scenarios (each on its own topic of N IoT JSON events, ~200 B each, keyed by device):
 * <ul>
 *   <li>100 partitions under {@code -Xmx1g}: the requirement is that the ingester stays within a 1 GiB heap;
 *   <li>64 partitions under {@code -Xmx512m}: the core requirement, no OutOfMemoryError.
 * </ul>
 * Every child runs with {@code -XX:+ExitOnOutOfMemoryError} (an OutOfMemoryError ends it with exit code 3).
 *
 * <p>Measurements:
 * <ul>
 *   <li>Heap, from the child's {@code -Xlog:gc,gc+heap+exit} file: heap occupancy just before every GC pause
 *       and at JVM exit. Between two GCs the used heap only grows, so the largest of these values is the peak
 *       of used heap over the run (garbage not yet collected included). "max after GC" bounds the live set
 *       from above; after a full GC it is the live set.
 *   <li>RSS, from {@code /proc/<pid>/status}: VmRSS sampled every 100 ms, and VmHWM (the kernel's own
 *       high-water mark) at the last sample before exit; the larger is reported.
 *   <li>Exit code, OutOfMemoryError in the output, wall time (JVM start included) and the table read back
 *       through Delta Kernel, which must hold exactly N rows.
 * </ul>
 *
 * <p>Run (after {@code mvn -B package -DskipTests}), from the repository root:
 * {@code java -cp benchmarks/target/benchmarks.jar org.kafkadelta.benchmarks.MemoryBenchmark
 * [records=1000000] [scenarios=100:1g,64:512m] [writerMemory=SIZE] [jvmOpts="..."] [ingesterArgs="..."]
 * [nmt=false] [findMinHeap=false] [jar=ingester/target/kafka-delta-ingester.jar] [timeoutMinutes=30] [keep=false]}
 *
 * <p>{@code records} is per scenario; {@code scenarios} is a comma list of PARTITIONS:HEAP (HEAP as for
 * {@code -Xmx}); {@code writerMemory} passes {@code --writer-memory} (default: the ingester's, a quarter of the
 * heap); {@code jvmOpts} are added to every child JVM and {@code ingesterArgs} to every {@code run} command (e.g.
 * {@code ingesterArgs="--compression zstd --writer-threads 1"}); {@code nmt=true} adds Native Memory Tracking
 * and prints the child's native memory summary at exit (a few MB of overhead), to explain RSS above the heap;
 * {@code findMinHeap=true} then bisects, per scenario, the smallest -Xmx (32 MiB steps, from 64 MiB) under which
 * the same ingestion still passes: with -Xmx fixed, "peak heap used" mostly reflects how lazily the collector
 * collects, while the smallest passing heap is what the ingester actually needs (about 5 more runs per scenario).
 */
public final class MemoryBenchmark {
  private static final Pattern STATUS_KB = Pattern.compile("^(VmRSS|VmHWM):\\s+(\\d+) kB", Pattern.MULTILINE);
  private static final long MIB = 1024 * 1024;
  private static final long MIN_HEAP_STEP_MB = 32;
  private static final long MIN_HEAP_FLOOR_MB = 64;

  private MemoryBenchmark() {}

  public static void main(String[] args) throws Exception {
    Settings s = Settings.parse(args);
    Path work = Files.createTempDirectory("memory-bench");
    System.out.printf(Locale.ROOT, "Machine: %d cores, %d MiB RAM, %s %s; work dir %s%n",
        Runtime.getRuntime().availableProcessors(), totalRamMib(), System.getProperty("java.vm.name"),
        System.getProperty("java.version"), work);
    List<Result> results = new ArrayList<>();
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      for (int i = 0; i < s.scenarios().size(); i++) {
        results.add(run(kafka, s, s.scenarios().get(i), i + 1, work));
      }
    }
    printSummary(s, results);
    boolean failed = results.stream().anyMatch(r -> !r.passed(s.records()));
    if (s.keep() || failed) {
      System.out.println((failed ? "FAILED: " : "") + "tables, ingester logs and GC logs kept in " + work);
    } else {
      deleteRecursively(work);
    }
    if (failed) {
      System.exit(1);
    }
  }

  private static Result run(EmbeddedKafka kafka, Settings s, Scenario scenario, int index, Path work)
      throws Exception {
    String topic = "memory-" + index + "-" + scenario.partitions() + "p-" + scenario.heap();
    Path dir = Files.createDirectories(work.resolve(topic));
    System.out.printf(Locale.ROOT, "%n--- %s ---%n", scenario);
    kafka.createTopic(topic, scenario.partitions());
    long t0 = System.nanoTime();
    new IotEvents(42).produce(kafka.bootstrapServers(), topic, s.records());
    long[] perPartition = recordsPerPartition(kafka, topic, scenario.partitions());
    long min = Long.MAX_VALUE;
    long max = 0;
    long total = 0;
    for (long n : perPartition) {
      min = Math.min(min, n);
      max = Math.max(max, n);
      total += n;
    }
    System.out.printf(Locale.ROOT, "Produced %,d records (~%d MiB of JSON) over %d partitions in %.1f s;"
            + " records per partition min %,d / max %,d%n", total, total * 200 / MIB, scenario.partitions(),
        (System.nanoTime() - t0) / 1e9, min, max);
    if (min == 0) {
      System.out.println("WARNING: some partition is empty; it will have no open file. Produce more records.");
    }
    Result result = ingest(kafka, s, scenario, topic, dir, perPartition, true);
    if (s.findMinHeap() && result.passed(s.records())) {
      result = result.withMinHeapMb(findMinHeap(kafka, s, scenario, topic, dir, perPartition));
    }
    return result;
  }

  /**
   * Bisects the smallest -Xmx (to {@value #MIN_HEAP_STEP_MB} MiB) under which the same ingestion passes (exit 0,
   * no OutOfMemoryError, exactly N rows), between {@value #MIN_HEAP_FLOOR_MB} MiB and the scenario's heap. The
   * writer memory follows the heap (a quarter of it) unless writerMemory is set. Called only when the
   * scenario's own heap passed.
   */
  private static long findMinHeap(EmbeddedKafka kafka, Settings s, Scenario scenario, String topic, Path dir,
      long[] perPartition) throws Exception {
    long hi = heapMb(scenario.heap()); // passed
    long lo = MIN_HEAP_FLOOR_MB - MIN_HEAP_STEP_MB; // assumed to fail
    int probe = 0;
    while (hi - lo > MIN_HEAP_STEP_MB) {
      long mid = (lo + hi) / 2 / MIN_HEAP_STEP_MB * MIN_HEAP_STEP_MB;
      if (mid <= lo) {
        mid = lo + MIN_HEAP_STEP_MB;
      }
      Path probeDir = Files.createDirectories(dir.resolve("probe-" + (++probe) + "-" + mid + "m"));
      Result r = ingest(kafka, s, new Scenario(scenario.partitions(), mid + "m"), topic, probeDir, perPartition,
          false);
      boolean passed = r.passed(s.records());
      System.out.printf(Locale.ROOT, "  min-heap probe -Xmx%dm: %s (exit %d%s, %.1f s, heap peak used %s MiB,"
              + " max after GC %s MiB, RSS peak %s MiB)%n", mid, passed ? "pass" : "FAIL", r.exitCode(),
          r.oom() ? ", OutOfMemoryError" : "", r.seconds(), num(r.gc().peakUsedMb()), num(r.gc().maxAfterMb()),
          mib(r.rssPeakKb()));
      if (passed) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    System.out.printf(Locale.ROOT, "  smallest passing heap for %d partitions: -Xmx%dm (%d MiB resolution)%n",
        scenario.partitions(), hi, MIN_HEAP_STEP_MB);
    return hi;
  }

  private static Result ingest(EmbeddedKafka kafka, Settings s, Scenario scenario, String topic, Path dir,
      long[] perPartition, boolean verbose) throws Exception {
    long min = Arrays.stream(perPartition).min().orElse(0);
    long max = Arrays.stream(perPartition).max().orElse(0);
    Path gcLog = dir.resolve("gc.log");
    Path stdoutFile = dir.resolve("ingester.out");
    Path stderrFile = dir.resolve("ingester.log");
    Path table = dir.resolve("table");
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-Xmx" + scenario.heap());
    cmd.add("-XX:+ExitOnOutOfMemoryError");
    cmd.add("-Xlog:gc,gc+heap+exit:file=" + gcLog);
    if (s.nmt()) {
      cmd.addAll(List.of("-XX:NativeMemoryTracking=summary", "-XX:+UnlockDiagnosticVMOptions",
          "-XX:+PrintNMTStatistics"));
    }
    cmd.addAll(s.jvmOpts());
    cmd.addAll(List.of("-jar", s.jar().toString(), "run", "--bootstrap-servers", kafka.bootstrapServers(),
        "--topic", topic, "--table", table.toString(), "--app-id", "memory-bench", "--trigger", "available-now"));
    if (s.writerMemory() != null) {
      cmd.addAll(List.of("--writer-memory", s.writerMemory()));
    }
    cmd.addAll(s.ingesterArgs());
    if (verbose) {
      System.out.println("Child: " + String.join(" ", cmd));
    }
    long start = System.nanoTime();
    Process child = new ProcessBuilder(cmd).redirectOutput(stdoutFile.toFile()).redirectError(stderrFile.toFile())
        .start();
    RssSampler rss = new RssSampler(child.pid());
    rss.start();
    boolean exited = child.waitFor(s.timeoutMinutes(), TimeUnit.MINUTES);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (!exited) {
      System.out.println("Child still running after " + s.timeoutMinutes() + " min: killing it");
      child.destroyForcibly().waitFor();
    }
    int exitCode = child.exitValue();
    rss.interrupt();
    rss.join();
    String stdout = Files.readString(stdoutFile);
    String stderr = Files.readString(stderrFile);
    boolean oom = exitCode == 3 || stdout.contains("OutOfMemoryError") || stderr.contains("OutOfMemoryError");
    GcLogSummary gc = GcLogSummary.parse(gcLog);
    long rows = -1;
    if (exitCode == 0) {
      long r0 = System.nanoTime();
      rows = new DeltaTableReader().countRows(table.toString());
      if (verbose) {
        System.out.printf(Locale.ROOT, "Table read back through Delta Kernel: %,d rows in %.1f s%n", rows,
            (System.nanoTime() - r0) / 1e9);
      }
    }
    long commits = stderr.lines().filter(l -> l.contains("Committed version")).count();
    Result result = new Result(scenario, perPartition.length, min, max, exitCode, oom, seconds, gc,
        rss.peakRssKb(), rss.hwmKb(), rss.samples(), rows, commits, summaryLine(stdout), -1);
    if (!verbose) {
      return result;
    }
    System.out.printf(Locale.ROOT, "Child exit %d%s in %.1f s; %s%n", exitCode, oom ? " (OutOfMemoryError)" : "",
        seconds, gc);
    System.out.printf(Locale.ROOT, "RSS: peak %s MiB (VmRSS max of %d samples every 100 ms: %s MiB;"
            + " last VmHWM read: %s MiB)%n", mib(result.rssPeakKb()), rss.samples(), mib(rss.peakRssKb()),
        mib(rss.hwmKb()));
    System.out.println("  ingester config: " + firstLineContaining(stderr, "Ingesting "));
    System.out.println("  ingester said: " + result.summary());
    if (s.nmt()) {
      printNmt(stdout);
    }
    if (exitCode != 0) {
      System.out.println("  last lines of the ingester's stderr:");
      List<String> lines = stderr.lines().toList();
      lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> System.out.println("    " + l));
    }
    return result;
  }

  private static long[] recordsPerPartition(EmbeddedKafka kafka, String topic, int partitions) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
      earliest.put(new TopicPartition(topic, p), OffsetSpec.earliest());
    }
    var ends = kafka.admin().listOffsets(latest).all().get(30, TimeUnit.SECONDS);
    var starts = kafka.admin().listOffsets(earliest).all().get(30, TimeUnit.SECONDS);
    long[] counts = new long[partitions];
    for (int p = 0; p < partitions; p++) {
      TopicPartition tp = new TopicPartition(topic, p);
      counts[p] = ends.get(tp).offset() - starts.get(tp).offset();
    }
    return counts;
  }

  private static void printSummary(Settings s, List<Result> results) {
    System.out.println();
    System.out.println("==================================== MemoryBenchmark summary"
        + " ====================================");
    System.out.printf(Locale.ROOT, "%,d IoT events (~200 B JSON) per scenario, available-now, default 128MB"
        + " target file size%s; %s%n", s.records(),
        (s.writerMemory() == null ? ", default --writer-memory (heap/4)" : ", --writer-memory " + s.writerMemory())
            + (s.ingesterArgs().isEmpty() ? "" : ", " + String.join(" ", s.ingesterArgs())),
        results.isEmpty() ? "" : "GC: " + results.get(0).gc().collector());
    System.out.printf(Locale.ROOT, "%-26s %4s %4s %7s %10s %10s %10s %10s %9s %11s  %s%n", "scenario", "exit",
        "OOM", "wall s", "heap peak", "max after", "full-GC", "heap", "RSS peak", "rows", "verdict");
    System.out.printf(Locale.ROOT, "%-26s %4s %4s %7s %10s %10s %10s %10s %9s %11s%n", "", "", "", "",
        "used MiB", "GC MiB", "live MiB", "commit MiB", "MiB", "");
    for (Result r : results) {
      System.out.printf(Locale.ROOT, "%-26s %4d %4s %7.1f %10s %10s %10s %10s %9s %11s  %s%n",
          r.scenario().partitions() + " partitions, -Xmx" + r.scenario().heap(), r.exitCode(), r.oom() ? "YES" : "no",
          r.seconds(), num(r.gc().peakUsedMb()), num(r.gc().maxAfterMb()), num(r.gc().maxLiveMb()),
          num(r.gc().maxCommittedMb()), mib(r.rssPeakKb()), r.rows() < 0 ? "n/a" : String.format("%,d", r.rows()),
          r.passed(s.records()) ? "PASS" : "FAIL");
    }
    System.out.println("heap peak used: max of heap occupancy before each GC pause and at JVM exit (-Xlog:gc,"
        + "gc+heap+exit); garbage included, so it tracks -Xmx more than need. max after GC: upper bound of the live"
        + " set. full-GC live: live set after a full GC (n/a = none happened). RSS peak: max(VmRSS sampled every"
        + " 100 ms, last VmHWM) from /proc/<pid>/status.");
    System.out.println("PASS = exit 0, no OutOfMemoryError, table holds exactly the records produced.");
    if (s.findMinHeap()) {
      for (Result r : results) {
        System.out.printf(Locale.ROOT, "  smallest passing heap, %d partitions: %s (bisected in %d MiB steps from"
                + " -Xmx%s down to %d MiB; writer memory %s)%n", r.scenario().partitions(),
            r.minHeapMb() < 0 ? "n/a" : "-Xmx" + r.minHeapMb() + "m", MIN_HEAP_STEP_MB, r.scenario().heap(),
            MIN_HEAP_FLOOR_MB, s.writerMemory() == null ? "= heap/4" : s.writerMemory());
      }
    }
    for (Result r : results) {
      System.out.printf(Locale.ROOT, "  %s: %d partitions (records per partition %,d..%,d), %d commits; %s%n",
          r.scenario(), r.partitions(), r.minPerPartition(), r.maxPerPartition(), r.commits(), r.summary());
    }
  }

  /** Prints the committed figures of the child's NMT summary (printed at its exit) in MiB. */
  private static void printNmt(String stdout) {
    Pattern category = Pattern.compile("^-?\\s*(.+?)\\s*\\(reserved=(\\d+)(KB|MB)?, committed=(\\d+)(KB|MB)?\\)");
    Pattern total = Pattern.compile("^Total: reserved=(\\d+)(KB|MB)?, committed=(\\d+)(KB|MB)?");
    StringBuilder line = new StringBuilder("  native memory at exit (NMT, committed MiB):");
    for (String l : stdout.lines().toList()) {
      Matcher t = total.matcher(l.strip());
      Matcher c = category.matcher(l.strip());
      if (t.find()) {
        line.append(" Total ").append(scaledMib(t.group(3), t.group(4)));
      } else if (l.strip().startsWith("-") && c.find() && scaledMib(c.group(4), c.group(5)) >= 1) {
        line.append(", ").append(c.group(1)).append(' ').append(scaledMib(c.group(4), c.group(5)));
      }
    }
    System.out.println(line);
  }

  private static long scaledMib(String number, String unit) {
    long n = Long.parseLong(number);
    return unit == null ? n / MIB : unit.equals("KB") ? n / 1024 : n;
  }

  private static long heapMb(String heap) {
    long n = Long.parseLong(heap.replaceAll("[^0-9]", ""));
    return switch (Character.toLowerCase(heap.charAt(heap.length() - 1))) {
      case 'g' -> n * 1024;
      case 'm' -> n;
      case 'k' -> n / 1024;
      default -> n / MIB;
    };
  }

  private static String summaryLine(String stdout) {
    return stdout.lines().filter(l -> l.startsWith("Ingested ")).findFirst().orElse("(no summary line)");
  }

  private static String firstLineContaining(String text, String needle) {
    return text.lines().filter(l -> l.contains(needle)).findFirst().orElse("(no line with '" + needle + "')");
  }

  private static String mib(long kb) {
    return kb < 0 ? "n/a" : Long.toString(kb / 1024);
  }

  private static String num(long mb) {
    return mb < 0 ? "n/a" : Long.toString(mb);
  }

  private static long totalRamMib() {
    try {
      Matcher m = Pattern.compile("MemTotal:\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc/meminfo")));
      return m.find() ? Long.parseLong(m.group(1)) / 1024 : -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    Directories.deleteRecursively(dir);
  }

  /** Samples VmRSS and VmHWM of a process from /proc every 100 ms until interrupted or the process is gone. */
  private static final class RssSampler extends Thread {
    private final Path status;
    private final AtomicLong peakRssKb = new AtomicLong(-1);
    private final AtomicLong hwmKb = new AtomicLong(-1);
    private final AtomicLong samples = new AtomicLong();

    RssSampler(long pid) {
      super("rss-sampler-" + pid);
      setDaemon(true);
      this.status = Path.of("/proc", Long.toString(pid), "status");
    }

    @Override
    public void run() {
      while (!isInterrupted()) {
        try {
          Matcher m = STATUS_KB.matcher(Files.readString(status));
          boolean any = false;
          while (m.find()) {
            long kb = Long.parseLong(m.group(2));
            if (m.group(1).equals("VmRSS")) {
              peakRssKb.accumulateAndGet(kb, Math::max);
            } else {
              hwmKb.accumulateAndGet(kb, Math::max);
            }
            any = true;
          }
          if (any) {
            samples.incrementAndGet();
          }
        } catch (IOException | RuntimeException e) {
          // gone (or not Linux): keep the last values; a zombie has no VmRSS/VmHWM lines, so keep polling
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    long peakRssKb() {
      return peakRssKb.get();
    }

    long hwmKb() {
      return hwmKb.get();
    }

    long samples() {
      return samples.get();
    }
  }

  record Scenario(int partitions, String heap) {
    @Override
    public String toString() {
      return partitions + " partitions, -Xmx" + heap;
    }
  }

  record Result(Scenario scenario, int partitions, long minPerPartition, long maxPerPartition, int exitCode,
      boolean oom, double seconds, GcLogSummary gc, long sampledRssKb, long hwmKb, long rssSamples, long rows,
      long commits, String summary, long minHeapMb) {
    Result withMinHeapMb(long mb) {
      return new Result(scenario, partitions, minPerPartition, maxPerPartition, exitCode, oom, seconds, gc,
          sampledRssKb, hwmKb, rssSamples, rows, commits, summary, mb);
    }

    long rssPeakKb() {
      return Math.max(sampledRssKb, hwmKb);
    }

    boolean passed(long records) {
      return exitCode == 0 && !oom && rows == records;
    }
  }

  /** Command-line settings as key=value pairs. */
  record Settings(long records, List<Scenario> scenarios, String writerMemory, List<String> jvmOpts,
      List<String> ingesterArgs, boolean nmt, boolean findMinHeap, Path jar, long timeoutMinutes, boolean keep) {
    private static final String KEYS =
        "records, scenarios, writerMemory, jvmOpts, ingesterArgs, nmt, findMinHeap, jar, timeoutMinutes, keep";

    static Settings parse(String[] args) {
      long records = 1_000_000;
      List<Scenario> scenarios = parseScenarios("100:1g,64:512m");
      String writerMemory = null;
      List<String> jvmOpts = List.of();
      List<String> ingesterArgs = List.of();
      boolean nmt = false;
      boolean findMinHeap = false;
      Path jar = Path.of("ingester/target/kafka-delta-ingester.jar");
      long timeoutMinutes = 30;
      boolean keep = false;
      for (String[] kv : KeyValueArgs.pairs(args, KEYS)) {
        switch (kv[0]) {
          case "records" -> records = Long.parseLong(kv[1].replace("_", "").replace(",", ""));
          case "scenarios" -> scenarios = parseScenarios(kv[1]);
          case "writerMemory" -> writerMemory = kv[1].isBlank() ? null : kv[1].trim();
          case "jvmOpts" -> jvmOpts = KeyValueArgs.words(kv[1]);
          case "ingesterArgs" -> ingesterArgs = KeyValueArgs.words(kv[1]);
          case "nmt" -> nmt = Boolean.parseBoolean(kv[1]);
          case "findMinHeap" -> findMinHeap = Boolean.parseBoolean(kv[1]);
          case "jar" -> jar = Path.of(kv[1]);
          case "timeoutMinutes" -> timeoutMinutes = Long.parseLong(kv[1]);
          case "keep" -> keep = Boolean.parseBoolean(kv[1]);
        }
      }
      if (!Files.isRegularFile(jar)) {
        throw new IllegalArgumentException("Ingester jar " + jar.toAbsolutePath() + " not found: run"
            + " 'mvn -B package -DskipTests' first, or pass jar=PATH");
      }
      return new Settings(records, scenarios, writerMemory, jvmOpts, ingesterArgs, nmt, findMinHeap, jar,
          timeoutMinutes, keep);
    }

    private static List<Scenario> parseScenarios(String text) {
      List<Scenario> out = new ArrayList<>();
      for (String item : text.split(",")) {
        String[] parts = item.trim().split(":");
        if (parts.length != 2 || !parts[1].matches("\\d+[kKmMgG]?")) {
          throw new IllegalArgumentException("Invalid scenario '" + item + "': expected PARTITIONS:HEAP, e.g. 100:1g");
        }
        out.add(new Scenario(Integer.parseInt(parts[0]), parts[1]));
      }
      return out;
    }
  }
}
