package org.kafkadelta.ingester.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class CommitStateTest {
  @Test
  void theIntervalElapsesCountingFromTheLastCommit() {
    CommitState state = new CommitState(Duration.ofSeconds(10), OptionalLong.empty(), 1_000);
    assertThat(state.isIntervalElapsed(10_999)).as("9.999 s after start").isFalse();
    assertThat(state.millisUntilDue(10_999)).isEqualTo(1);
    assertThat(state.isIntervalElapsed(11_000)).isTrue();
    state.committed(11_500);
    assertThat(state.isIntervalElapsed(21_000)).as("9.5 s after the commit").isFalse();
    assertThat(state.millisUntilDue(30_000)).isZero();
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
