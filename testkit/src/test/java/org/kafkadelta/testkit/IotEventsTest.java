package org.kafkadelta.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class IotEventsTest {
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void sameSeedGivesTheSameEventsAndAnotherSeedDifferentOnes() {
    IotEvents events = new IotEvents(1);

    assertThat(new IotEvents(1).value(12_345)).isEqualTo(events.value(12_345));
    assertThat(new IotEvents(1).key(12_345)).isEqualTo(events.key(12_345));
    assertThat(new IotEvents(2).value(12_345)).isNotEqualTo(events.value(12_345));
  }

  @Test
  void eachEventIsAJsonObjectOfAboutTwoHundredBytesKeyedByItsDevice() throws Exception {
    IotEvents events = new IotEvents(42);

    for (long i = 0; i < 1_000; i++) {
      byte[] value = events.value(i);
      JsonNode event = json.readTree(value);
      assertThat(value.length).as("size of event %d", i).isBetween(185, 215);
      assertThat(event.get("seq").asLong()).isEqualTo(i);
      assertThat(event.get("deviceId").asText())
          .isEqualTo(new String(events.key(i), StandardCharsets.UTF_8))
          .matches("sensor-\\d{4}");
      assertThat(event.get("temperature").asDouble()).isBetween(15.0, 30.0);
      assertThat(event.get("status").asText()).isIn("OK", "WARN", "ERROR");
    }
    double averageSize = LongStream.range(0, 10_000).map(i -> events.value(i).length).average().orElseThrow();
    assertThat(averageSize).isBetween(195.0, 205.0);
  }

  @Test
  void eventTimesAdvanceTenMillisecondsPerEventFromTheStart() throws Exception {
    IotEvents events = new IotEvents(42);

    assertThat(json.readTree(events.value(0)).get("ts").asText()).isEqualTo("2026-11-25T13:00:00.000Z");
    assertThat(json.readTree(events.value(123)).get("ts").asText()).isEqualTo("2026-11-25T13:00:01.230Z");
    assertThat(json.readTree(events.value(360_000)).get("ts").asText()).isEqualTo("2026-11-25T14:00:00.000Z");
  }
}
