package org.kafkadelta.ingester.writer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {
  @Test
  void agreesWithTheJdkDecoderOnRandomAndTrickyBytes() {
    Random random = new Random(42);
    for (int n = 0; n < 200_000; n++) {
      byte[] bytes = new byte[random.nextInt(8)];
      random.nextBytes(bytes);
      assertThat(Utf8.isWellFormed(bytes)).as("bytes %s", java.util.Arrays.toString(bytes)).isEqualTo(jdkAccepts(bytes));
    }
    String[] valid = {"", "plain ascii {\"a\":1}", "é", "€", "𝄞", "日本語", "\u0000", "\uFFFF"};
    for (String s : valid) {
      assertThat(Utf8.isWellFormed(s.getBytes(StandardCharsets.UTF_8))).as(s).isTrue();
    }
    byte[][] invalid = {
        {(byte) 0xC0, (byte) 0x80}, // overlong NUL
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // surrogate
        {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
        {(byte) 0xE2, (byte) 0x82}, // truncated
        {(byte) 0x80}, // lone continuation
        {(byte) 0xFF}};
    for (byte[] b : invalid) {
      assertThat(Utf8.isWellFormed(b)).as(java.util.Arrays.toString(b)).isFalse();
    }
  }

  private static boolean jdkAccepts(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
