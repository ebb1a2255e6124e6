package org.kafkadelta.ingester.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class CommitStateTest {
  @Test
  void intervalCommitsKeepAFixedRateWhateverTheCommitsTake() {
    CommitState state = new CommitState(Duration.ofSeconds(10), OptionalLong.empty(), 1_000);
    assertThat(state.isIntervalElapsed(10_999)).as("9.999 s after start").isFalse();
    assertThat(state.millisUntilDue(10_999)).isEqualTo(1);
    assertThat(state.isIntervalElapsed(11_000)).isTrue();
    // The commit due at 11 s took 0.5 s: the next one is still due at 21 s, not 21.5 s.
    state.committed(11_500);
    assertThat(state.isIntervalElapsed(20_999)).isFalse();
    assertThat(state.isIntervalElapsed(21_000)).isTrue();
    // A commit that overran whole intervals is followed by the next boundary, not a burst of catch-ups.
    state.committed(43_000);
    assertThat(state.millisUntilDue(43_000)).isEqualTo(8_000);
  }

  @Test
  void theCapLimitsRecordsPerCommitAndResetsOnCommit() {
    CommitState state = new CommitState(Duration.ofMinutes(1), OptionalLong.of(1_000), 0);
    state.recordsAdded(600);
    assertThat(state.remainingCapacity()).isEqualTo(400);
    assertThat(state.isCapReached()).isFalse();
    state.recordsAdded(400);
    assertThat(state.isCapReached()).isTrue();
    state.committed(5);
    assertThat(state.remainingCapacity()).isEqualTo(1_000);
  }

  @Test
  void withoutACapCapacityIsUnbounded() {
    CommitState state = new CommitState(Duration.ofMinutes(1), OptionalLong.empty(), 0);
    state.recordsAdded(Long.MAX_VALUE / 2);
    assertThat(state.isCapReached()).isFalse();
  }
}
