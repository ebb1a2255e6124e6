package org.kafkadelta.ingester.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ParsingTest {
  @Test
  void sizesAcceptCommonSpellingsInBinaryUnits() {
    assertThat(ByteSize.parse("128MB")).isEqualTo(128L << 20);
    assertThat(ByteSize.parse("64 MiB")).isEqualTo(64L << 20);
    assertThat(ByteSize.parse("1g")).isEqualTo(1L << 30);
    assertThat(ByteSize.parse("4096")).isEqualTo(4096);
    assertThatThrownBy(() -> ByteSize.parse("-1MB")).hasMessageContaining("'-1MB' is not a size");
  }

  @Test
  void durationsAcceptShortFormsAndIso8601() {
    assertThat(DurationText.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationText.parse("60s")).isEqualTo(Duration.ofMinutes(1));
    assertThat(DurationText.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(DurationText.parse("PT1H")).isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> DurationText.parse("soon")).hasMessageContaining("'soon' is not a duration");
  }

  @Test
  void startingOffsetsAcceptTimestampsWithAnOffset() {
    assertThat(StartingOffsets.parse("2026-11-25T10:00:00+01:00").timestamp())
        .contains(Instant.parse("2026-11-25T09:00:00Z"));
    assertThat(StartingOffsets.parse("LATEST")).isEqualTo(StartingOffsets.latest());
  }

  @Test
  void secretsAreRecognisedByTheirKeys() {
    assertThat(SecretRedaction.isSecret("sasl.jaas.config")).isTrue();
    assertThat(SecretRedaction.isSecret("ssl.key.password")).isTrue();
    assertThat(SecretRedaction.isSecret("fs.azure.account.key.acct.dfs.core.windows.net")).isTrue();
    assertThat(SecretRedaction.isSecret("fs.s3a.secret.key")).isTrue();
    assertThat(SecretRedaction.isSecret("security.protocol")).isFalse();
    assertThat(SecretRedaction.isSecret("bootstrap.servers")).isFalse();
  }
}
