package org.kafkadelta.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sample IoT sensor readings: one-line JSON objects of about 200 bytes, keyed by device id, for example
 *
 * <pre>{@code
 * {"deviceId":"sensor-0042","site":"plant-3","ts":"2026-11-25T13:00:00.120Z","temperature":21.37,
 *  "humidity":48.2,"pressure":1013.2,"battery":87,"status":"OK","firmware":"4.2.17","rssi":-67,"seq":12}
 * }</pre>
 *
 * <p>Event {@code i} is a pure function of the seed and {@code i}: the same seed always gives the same
 * events, whatever order they are generated in. {@code seq} is {@code i}, {@code ts} is the start time plus
 * {@code i * 10 ms}, and the device is one of {@value #DEVICE_COUNT}, so every key recurs.
 *
 * <p>Instances are immutable and thread-safe. Values are encoded straight into bytes (no JSON library, no
 * {@code String.format}) so that producing is limited by Kafka, not by this class.
 */
public final class IotEvents {
  /** Number of distinct devices, hence of distinct keys. */
  public static final int DEVICE_COUNT = 1000;
  /** Time of event 0 unless another is given. */
  public static final Instant DEFAULT_START = Instant.parse("2026-11-25T13:00:00Z");

  private static final long EVENT_SPACING_MILLIS = 10;
  private static final int SITE_COUNT = 8;
  private static final DateTimeFormatter SECOND_FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final byte[][] STATUSES = {ascii("OK"), ascii("WARN"), ascii("ERROR")};

  private final long seed;
  private final long startEpochMillis;
  // Shared between threads but never written after construction, and handed to Kafka read-only.
  private final byte[][] deviceIds;

  /** Events starting at {@link #DEFAULT_START}. */
  public IotEvents(long seed) {
    this(seed, DEFAULT_START);
  }

  /**
   * @param seed selects the pseudo-random readings and device sequence
   * @param start time of event 0 (the JSON {@code ts} field, not the Kafka record timestamp)
   */
  public IotEvents(long seed, Instant start) {
    this.seed = seed;
    this.startEpochMillis = start.toEpochMilli();
    this.deviceIds = new byte[DEVICE_COUNT][];
    for (int d = 0; d < DEVICE_COUNT; d++) {
      deviceIds[d] = ascii(String.format("sensor-%04d", d));
    }
  }

  /** The Kafka key of event {@code index}: its device id in UTF-8, e.g. {@code sensor-0042}. */
  public byte[] key(long index) {
    return deviceIds[device(hash(index))].clone();
  }

  /** The Kafka value of event {@code index}: the JSON object in UTF-8. */
  public byte[] value(long index) {
    return new Encoder().encode(index);
  }

  /** Sends events {@code 0 .. count-1} with {@link EmbeddedKafka#producerConfig(String)} settings. */
  public long produce(String bootstrapServers, String topic, long count) {
    return produce(EmbeddedKafka.producerConfig(bootstrapServers), topic, 0, count);
  }

  /**
   * Sends events {@code firstIndex .. firstIndex+count-1} through a producer built from
   * {@code producerConfig} (its serializer settings are ignored: keys and values are bytes), waits until
   * every one is acknowledged, and closes the producer.
   *
   * @return the number of events acknowledged, always {@code count}
   * @throws IllegalStateException if any send fails; the message says how many were acknowledged
   */
  public long produce(Map<String, Object> producerConfig, String topic, long firstIndex, long count) {
    try (Producer<byte[], byte[]> producer =
        new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer())) {
      return produce(producer, topic, firstIndex, count);
    }
  }

  /**
   * Sends events {@code firstIndex .. firstIndex+count-1} through {@code producer} and waits ({@code flush})
   * until all are acknowledged. The producer stays open.
   *
   * @return the number of events acknowledged, always {@code count}
   * @throws IllegalArgumentException if {@code count} or {@code firstIndex} is negative
   * @throws IllegalStateException if any send fails; sending stops at the first failure seen
   */
  public long produce(Producer<byte[], byte[]> producer, String topic, long firstIndex, long count) {
    if (count < 0 || firstIndex < 0) {
      throw new IllegalArgumentException("Invalid event range for topic " + topic + ": firstIndex=" + firstIndex
          + ", count=" + count + " (both must be >= 0)");
    }
    LongAdder acknowledged = new LongAdder();
    AtomicReference<Exception> firstFailure = new AtomicReference<>();
    Callback callback = (metadata, exception) -> {
      if (exception == null) {
        acknowledged.increment();
      } else {
        firstFailure.compareAndSet(null, exception);
      }
    };
    Encoder encoder = new Encoder();
    long end = firstIndex + count;
    for (long i = firstIndex; i < end && firstFailure.get() == null; i++) {
      long h = hash(i);
      producer.send(new ProducerRecord<>(topic, deviceIds[device(h)], encoder.encode(i, h)), callback);
    }
    producer.flush();
    if (firstFailure.get() != null || acknowledged.sum() != count) {
      throw new IllegalStateException("Only " + acknowledged.sum() + " of " + count + " events (from index "
          + firstIndex + ") were acknowledged by topic " + topic, firstFailure.get());
    }
    return count;
  }

  // SplitMix64 finalizer over (seed, index): every field of event i derives from this one value.
  private long hash(long index) {
    long z = seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + 0x632BE59BD9B4E019L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static int device(long hash) {
    return (int) Long.remainderUnsigned(hash, DEVICE_COUNT);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Writes events into one reusable scratch buffer and copies out the exact bytes (the producer may hold a
   * value until it is batched, so the buffer itself is never handed out). Not thread-safe: one per loop.
   */
  private final class Encoder {
    private final byte[] buf = new byte[256];
    private int pos;
    // ts is re-rendered only when the second changes (every 100 events), the slow part of encoding.
    private long cachedSecond = Long.MIN_VALUE;
    private byte[] cachedSecondText;

    byte[] encode(long index) {
      return encode(index, hash(index));
    }

    byte[] encode(long index, long h) {
      int device = device(h);
      pos = 0;
      text("{\"deviceId\":\"");
      bytes(deviceIds[device]);
      text("\",\"site\":\"plant-");
      number(device % SITE_COUNT + 1);
      text("\",\"ts\":\"");
      timestamp(startEpochMillis + index * EVENT_SPACING_MILLIS);
      text("\",\"temperature\":");
      decimal(1500 + Long.remainderUnsigned(h >>> 10, 1500), 2); // 15.00 .. 29.99
      text(",\"humidity\":");
      decimal(300 + Long.remainderUnsigned(h >>> 21, 400), 1); // 30.0 .. 69.9
      text(",\"pressure\":");
      decimal(9900 + Long.remainderUnsigned(h >>> 30, 500), 1); // 990.0 .. 1039.9
      text(",\"battery\":");
      number(1 + Long.remainderUnsigned(h >>> 39, 100));
      text(",\"status\":\"");
      long roll = Long.remainderUnsigned(h >>> 46, 100);
      bytes(STATUSES[roll < 90 ? 0 : roll < 98 ? 1 : 2]);
      text("\",\"firmware\":\"4.2.");
      number(device % 20);
      text("\",\"rssi\":-");
      number(30 + Long.remainderUnsigned(h >>> 53, 70));
      text(",\"seq\":");
      number(index);
      buf[pos++] = '}';
      return Arrays.copyOf(buf, pos);
    }

    private void timestamp(long epochMillis) {
      long second = Math.floorDiv(epochMillis, 1000);
      if (second != cachedSecond) {
        cachedSecond = second;
        cachedSecondText = ascii(SECOND_FORMAT.format(Instant.ofEpochSecond(second)));
      }
      bytes(cachedSecondText);
      buf[pos++] = '.';
      int millis = (int) Math.floorMod(epochMillis, 1000);
      buf[pos++] = (byte) ('0' + millis / 100);
      buf[pos++] = (byte) ('0' + millis / 10 % 10);
      buf[pos++] = (byte) ('0' + millis % 10);
      buf[pos++] = 'Z';
    }

    /** Writes {@code scaled / 10^decimals} with exactly {@code decimals} fraction digits; {@code scaled >= 0}. */
    private void decimal(long scaled, int decimals) {
      long divisor = decimals == 1 ? 10 : 100;
      number(scaled / divisor);
      buf[pos++] = '.';
      long fraction = scaled % divisor;
      if (decimals == 2 && fraction < 10) {
        buf[pos++] = '0';
      }
      number(fraction);
    }

    /** Writes a non-negative integer in decimal. */
    private void number(long value) {
      int start = pos;
      do {
        buf[pos++] = (byte) ('0' + value % 10);
        value /= 10;
      } while (value != 0);
      for (int i = start, j = pos - 1; i < j; i++, j--) {
        byte t = buf[i];
        buf[i] = buf[j];
        buf[j] = t;
      }
    }

    private void text(String ascii) {
      for (int i = 0; i < ascii.length(); i++) {
        buf[pos++] = (byte) ascii.charAt(i);
      }
    }

    private void bytes(byte[] b) {
      System.arraycopy(b, 0, buf, pos, b.length);
      pos += b.length;
    }
  }
}
