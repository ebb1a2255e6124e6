package org.kafkadelta.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GcLogSummaryTest {
  @TempDir
  Path dir;

  @Test
  void readsPausesFullCollectionsAndTheHeapAtExitOfAParallelLog() throws IOException {
    Path log = log(
        "[0.004s][info][gc] Using Parallel",
        "[0.348s][info][gc] GC(0) Pause Young (Allocation Failure) 32M->11M(388M) 5.553ms",
        "[1.529s][info][gc] GC(1) Pause Young (Allocation Failure) 300M->120M(1024M) 12.1ms",
        "[2.100s][info][gc] GC(2) Pause Full (Ergonomics) 500M->90M(1024M) 80.0ms",
        "[3.000s][info][gc,heap,exit] Heap",
        "[3.000s][info][gc,heap,exit]  PSYoungGen      total 305664K, used 102400K [0x...)",
        "[3.000s][info][gc,heap,exit]  ParOldGen       total 699392K, used 51200K [0x...)");

    GcLogSummary gc = GcLogSummary.parse(log);

    // collector, pauses, full GCs, max before / after a pause, full-GC live set, committed, used at exit
    assertThat(gc).isEqualTo(new GcLogSummary("Parallel", 3, 1, 500, 120, 90, 1024, 150));
    assertThat(gc.peakUsedMb()).isEqualTo(500);
  }

  @Test
  void aG1LogWithoutFullCollectionsLeavesTheLiveSetUnknown() throws IOException {
    Path log = log(
        "[0.004s][info][gc] Using G1",
        "[3.211s][info][gc] GC(23) Pause Young (Normal) (G1 Evacuation Pause) 754M->239M(1020M) 23.934ms",
        "[3.527s][info][gc] GC(24) Pause Young (Normal) (G1 Evacuation Pause) 1G->282M(2G) 30.216ms");

    GcLogSummary gc = GcLogSummary.parse(log);

    assertThat(gc).isEqualTo(new GcLogSummary("G1", 2, 0, 1024, 282, -1, 2048, -1));
    assertThat(GcLogSummary.parse(dir.resolve("missing.log")).pauses()).isZero();
  }

  private Path log(String... lines) throws IOException {
    return Files.writeString(dir.resolve("gc.log"), String.join("\n", lines) + "\n");
  }
}
