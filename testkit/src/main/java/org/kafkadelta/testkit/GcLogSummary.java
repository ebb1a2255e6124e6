package org.kafkadelta.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heap figures of a child JVM, read from its {@code -Xlog:gc} (optionally {@code gc+heap+exit}) file; -1 where
 * the log does not tell. Only a full GC leaves nothing but live objects, so the live set is known only if
 * one happened.
 *
 * @param collector the collector's name ("G1", "Parallel", ...), or "?"
 * @param pauses GC pauses logged
 * @param fullGcs of which full collections
 * @param maxBeforeMb largest heap occupancy before a pause (garbage included)
 * @param maxAfterMb largest heap occupancy after a pause (an upper bound of the live set)
 * @param maxLiveMb largest occupancy left by a full GC
 * @param maxCommittedMb largest committed heap
 * @param usedAtExitMb heap used at exit ({@code gc+heap+exit} only)
 */
public record GcLogSummary(String collector, int pauses, int fullGcs, long maxBeforeMb, long maxAfterMb,
    long maxLiveMb, long maxCommittedMb, long usedAtExitMb) {
  /** "12M->3M(256M)" of a pause line: before, after, committed. */
  private static final Pattern PAUSE = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");
  /** G1: "garbage-first heap total"; Serial: "def new / tenured generation total"; Parallel: "PSYoungGen total". */
  private static final Pattern EXIT_HEAP =
      Pattern.compile("(?:heap|generation|PSYoungGen|ParOldGen)\\s+total (\\d+)K, used (\\d+)K");
  private static final Pattern COLLECTOR = Pattern.compile("Using (.+)$");

  /** Reads {@code gcLog}; a missing file (the JVM never started) gives all-unknown figures. */
  public static GcLogSummary parse(Path gcLog) throws IOException {
    if (!Files.exists(gcLog)) {
      return new GcLogSummary("?", 0, 0, -1, -1, -1, -1, -1);
    }
    String collector = "?";
    int pauses = 0;
    int fullGcs = 0;
    long before = -1;
    long after = -1;
    long live = -1;
    long committed = -1;
    long exitUsedKb = -1;
    long exitCommittedKb = -1;
    for (String line : Files.readAllLines(gcLog)) {
      Matcher name = COLLECTOR.matcher(line);
      if (line.contains("[gc]") && collector.equals("?") && name.find()) {
        collector = name.group(1).strip();
        continue;
      }
      if (line.contains("exit")) {
        Matcher e = EXIT_HEAP.matcher(line);
        if (e.find()) {
          // Serial and Parallel print one line per generation: add them up.
          exitUsedKb = Math.max(0, exitUsedKb) + Long.parseLong(e.group(2));
          exitCommittedKb = Math.max(0, exitCommittedKb) + Long.parseLong(e.group(1));
        }
        continue;
      }
      Matcher m = PAUSE.matcher(line);
      if (!line.contains("Pause") || !m.find()) {
        continue;
      }
      pauses++;
      before = Math.max(before, mb(m.group(1), m.group(2)));
      after = Math.max(after, mb(m.group(3), m.group(4)));
      committed = Math.max(committed, mb(m.group(5), m.group(6)));
      if (line.contains("Pause Full")) {
        live = Math.max(live, mb(m.group(3), m.group(4)));
        fullGcs++;
      }
    }
    committed = Math.max(committed, exitCommittedKb < 0 ? -1 : exitCommittedKb / 1024);
    return new GcLogSummary(collector, pauses, fullGcs, before, after, live, committed,
        exitUsedKb < 0 ? -1 : exitUsedKb / 1024);
  }

  /** The most heap seen in use: before any pause, or at exit. */
  public long peakUsedMb() {
    return Math.max(maxBeforeMb, usedAtExitMb);
  }

  private static long mb(String number, String unit) {
    long n = Long.parseLong(number);
    return switch (unit) {
      case "K" -> n >> 10;
      case "G" -> n << 10;
      default -> n;
    };
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "GC (%s): %d pauses (%d full); heap peak used %s MiB (max before a pause"
            + " %s, at exit %s), max after GC %s MiB, full-GC live set %s, peak committed %s MiB", collector,
        pauses, fullGcs, num(peakUsedMb()), num(maxBeforeMb), num(usedAtExitMb), num(maxAfterMb),
        maxLiveMb < 0 ? "n/a" : maxLiveMb + " MiB", num(maxCommittedMb));
  }

  private static String num(long mb) {
    return mb < 0 ? "?" : Long.toString(mb);
  }
}
