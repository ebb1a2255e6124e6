package org.kafkadelta.ingester.writer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** UTF-8 well-formedness check on the write path, without decoding (RFC 3629: no overlongs, no surrogates). */
final class Utf8 {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH_BITS = 0x8080808080808080L;

  private Utf8() {}

  static boolean isWellFormed(byte[] b) {
    int n = b.length;
    int i = 0;
    // Most payloads are ASCII JSON: skip it eight bytes at a time before the general loop.
    while (i + 8 <= n && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) {
      i += 8;
    }
    while (i < n && b[i] >= 0) {
      i++;
    }
    while (i < n) {
      int c = b[i++] & 0xFF;
      if (c < 0x80) {
        while (i + 8 <= n && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) {
          i += 8;
        }
        continue;
      }
      if (c < 0xC2) {
        return false; // stray continuation byte, or an overlong 2-byte form
      }
      if (c < 0xE0) {
        if (i >= n || !isContinuation(b[i++])) {
          return false;
        }
        continue;
      }
      if (c < 0xF0) {
        if (i + 1 >= n) {
          return false;
        }
        int c1 = b[i++] & 0xFF;
        if (!isContinuation((byte) c1)
            || (c == 0xE0 && c1 < 0xA0) // overlong
            || (c == 0xED && c1 >= 0xA0) // UTF-16 surrogate
            || !isContinuation(b[i++])) {
          return false;
        }
        continue;
      }
      if (c < 0xF5) {
        if (i + 2 >= n) {
          return false;
        }
        int c1 = b[i++] & 0xFF;
        if (!isContinuation((byte) c1)
            || (c == 0xF0 && c1 < 0x90) // overlong
            || (c == 0xF4 && c1 >= 0x90) // above U+10FFFF
            || !isContinuation(b[i++])
            || !isContinuation(b[i++])) {
          return false;
        }
        continue;
      }
      return false;
    }
    return true;
  }

  private static boolean isContinuation(byte b) {
    return (b & 0xC0) == 0x80;
  }
}
