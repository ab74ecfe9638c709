package io.shoppulse.contract;

import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The fast path agrees with OffsetDateTime.parse on every shape, valid or not. */
class TimestampsTest {

    @Test
    void agreesWithTheJdkParser() {
        List<String> samples = List.of("2026-11-25T10:15:30Z", "2026-11-25T10:15:30.1Z", "2026-11-25T10:15:30.123Z",
                "2026-11-25T10:15:30.123456789Z", "2026-11-25T23:59:59.999+01:00", "2026-11-25T00:00:00-05:30",
                "2024-02-29T12:00:00Z", "2023-02-29T12:00:00Z", "2026-04-31T12:00:00Z", "2026-13-01T00:00:00Z",
                "2026-11-25T24:00:00Z", "2026-11-25T10:15:60Z", "2026-11-25T10:15:30", "2026-11-25 10:15:30Z",
                "2026-11-25T10:15:30.Z", "2026-11-25T10:15:30.1234567890Z", "2026-11-25T10:15:30+0100",
                "2026-11-25T10:15:30+19:00", "2026-11-25T10:15Z", "yesterday", "2026-11-25T10:15:30z",
                "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-1x-25T10:15:30Z");
        for (String sample : samples) {
            assertThat(Timestamps.parse(sample)).as(sample).isEqualTo(jdk(sample));
        }
    }

    private static java.time.Instant jdk(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
