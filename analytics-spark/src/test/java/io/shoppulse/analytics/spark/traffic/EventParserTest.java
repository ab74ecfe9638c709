package io.shoppulse.analytics.spark.traffic;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The traffic job's reading of an event record (docs/events.md), without Spark. */
class EventParserTest {

    private static final Timestamp ARRIVED = Timestamp.from(Instant.parse("2026-12-05T12:00:00Z"));
    private static final String TENANT = "3f1c2a4e-8b7d-4c6a-9e5f-0a1b2c3d4e5f";

    @Test
    void readsTheFieldsTheJobUsesAndSkipsTheRest() {
        TrafficEvent e = EventParser.parse("{\"event_id\":\"e1\",\"type\":\"add_to_cart\",\"tenant_id\":\"" + TENANT
                + "\",\"occurred_at\":\"2026-03-10T10:00:30.250+01:00\",\"session_id\":\"s1\",\"anonymous_id\":\"v1\","
                + "\"user_id\":42,\"page\":{\"url\":\"https://shop/p/1\",\"title\":\"x\"},\"utm\":{\"source\":\"News\","
                + "\"medium\":\"email\",\"campaign\":{\"nested\":[1,2]}},\"context\":{\"ip\":\"x\",\"device\":{\"class\":"
                + "\"Mobile\"}},\"items\":[{\"item_id\":\"SKU-1\",\"item_name\":\"Shoe\",\"price\":49.90,\"quantity\":2,"
                + "\"extra\":[{}]},{\"item_id\":\"SKU-2\",\"price\":\"1.23456\",\"quantity\":1.5}],\"value\":99.8,"
                + "\"currency\":\"EUR\",\"unknown\":{\"a\":[1,{\"b\":2}]}}", ARRIVED);

        assertThat(e.getProblem()).isNull();
        assertThat(e.getRaw()).isNull();
        assertThat(e.getTenantId()).isEqualTo(TENANT);
        assertThat(e.getOccurredAt()).isEqualTo(Timestamp.from(Instant.parse("2026-03-10T09:00:30.250Z")));
        assertThat(e.getUserId()).isEqualTo("42");
        assertThat(e.getPagePath()).isEqualTo("https://shop/p/1"); // no path: the URL
        assertThat(e.getUtmSource()).isEqualTo("News");
        assertThat(e.getUtmMedium()).isEqualTo("email");
        assertThat(e.getDeviceClass()).isEqualTo("Mobile");
        assertThat(e.getValue()).isEqualTo(new BigDecimal("99.8000"));
        assertThat(e.getItems()).hasSize(2);
        assertThat(e.getItems().get(0).getPrice()).isEqualTo(new BigDecimal("49.9000"));
        assertThat(e.getItems().get(0).getQuantity()).isEqualTo(2);
        assertThat(e.getItems().get(1).getPrice()).isEqualTo(new BigDecimal("1.2346"));
        assertThat(e.getItems().get(1).getQuantity()).isNull();
    }

    @Test
    void theSessionStandsInForAMissingVisitorAndThePathWinsOverTheUrl() {
        TrafficEvent e = EventParser.parse("{\"event_id\":\"e1\",\"type\":\"page_view\",\"tenant_id\":\"" + TENANT
                + "\",\"occurred_at\":\"2026-03-10 10:00:00\",\"session_id\":\"s1\",\"page\":{\"url\":\"https://shop/c\","
                + "\"path\":\"/c\"}}", ARRIVED);

        assertThat(e.getAnonymousId()).isEqualTo("s1");
        assertThat(e.getPagePath()).isEqualTo("/c");
        assertThat(e.getOccurredAt()).isEqualTo(Timestamp.from(Instant.parse("2026-03-10T10:00:00Z")));
        assertThat(e.getItems()).isNull();
    }

    @Test
    void anUnreadableRecordKeepsItsReasonItsTextAndItsArrivalTime() {
        assertThat(dead("{not json")).isEqualTo("not a JSON object");
        assertThat(dead("[1, 2]")).isEqualTo("not a JSON object");
        assertThat(dead("")).isEqualTo("not a JSON object");
        String base = "\"event_id\":\"e1\",\"type\":\"page_view\",\"occurred_at\":\"2026-03-10T10:00:00Z\","
                + "\"session_id\":\"s1\"";
        assertThat(dead("{" + base + "}")).isEqualTo("tenant_id is missing or not a UUID");
        assertThat(dead("{" + base + ",\"tenant_id\":\"" + TENANT.replace('f', 'g') + "\"}"))
                .isEqualTo("tenant_id is missing or not a UUID");
        assertThat(dead("{\"tenant_id\":\"" + TENANT + "\",\"type\":\"x\",\"session_id\":\"s\","
                + "\"occurred_at\":\"2026-03-10T10:00:00Z\"}")).isEqualTo("event_id is missing");
        assertThat(dead("{\"tenant_id\":\"" + TENANT + "\",\"event_id\":\"e\",\"session_id\":\"s\","
                + "\"occurred_at\":\"2026-03-10T10:00:00Z\"}")).isEqualTo("type is missing");
        assertThat(dead("{\"tenant_id\":\"" + TENANT + "\",\"event_id\":\"e\",\"type\":\"x\","
                + "\"occurred_at\":\"2026-03-10T10:00:00Z\"}")).isEqualTo("session_id is missing");
        assertThat(dead("{\"tenant_id\":\"" + TENANT + "\",\"event_id\":\"e\",\"type\":\"x\",\"session_id\":\"s\","
                + "\"occurred_at\":\"yesterday\"}")).isEqualTo("occurred_at is missing or not a time");

        TrafficEvent e = EventParser.parse("{" + base + "}", ARRIVED);
        assertThat(e.getRaw()).isEqualTo("{" + base + "}");
        assertThat(e.getTenantId()).isNull();
        assertThat(e.getOccurredAt()).isEqualTo(ARRIVED);
    }

    @Test
    void amountsOutsideTheColumnAreNullAndTinyOnesZeroWithoutRescalingHugeExponents() {
        String base = "{\"event_id\":\"e1\",\"type\":\"purchase\",\"tenant_id\":\"" + TENANT
                + "\",\"occurred_at\":\"2026-03-10T10:00:00Z\",\"session_id\":\"s1\",\"value\":";
        assertThat(EventParser.parse(base + "1e999999999}", ARRIVED).getValue()).isNull();
        assertThat(EventParser.parse(base + "1000000000000000}", ARRIVED).getValue()).isNull();
        assertThat(EventParser.parse(base + "999999999999999.99994}", ARRIVED).getValue())
                .isEqualTo(new BigDecimal("999999999999999.9999"));
        assertThat(EventParser.parse(base + "1e-999999999}", ARRIVED).getValue()).isEqualTo(new BigDecimal("0.0000"));
        assertThat(EventParser.parse(base + "0.00005}", ARRIVED).getValue()).isEqualTo(new BigDecimal("0.0001"));
        assertThat(EventParser.parse(base + "0.000049}", ARRIVED).getValue()).isEqualTo(new BigDecimal("0.0000"));
    }

    @Test
    void timesInTheFormsTheContractAllows() {
        assertThat(EventParser.timestamp("2026-03-10T10:00:00Z").toInstant())
                .isEqualTo(Instant.parse("2026-03-10T10:00:00Z"));
        assertThat(EventParser.timestamp("2026-03-10T10:00:00.123456-05:00").toInstant())
                .isEqualTo(Instant.parse("2026-03-10T15:00:00.123456Z"));
        assertThat(EventParser.timestamp("2026-03-10").toInstant()).isEqualTo(Instant.parse("2026-03-10T00:00:00Z"));
        assertThat(EventParser.timestamp("2026-13-10T10:00:00Z")).isNull();
        assertThat(EventParser.timestamp("")).isNull();
    }

    @Test
    void theCollectorsOwnFormIsReadAsJavaTimeReadsIt() {
        // These take Timestamps' fast path (io.shoppulse.contract, tested there against the JDK); the result must be
        // the Timestamp java.time gives, before 1970 too.
        for (String t : List.of("2026-03-10T10:00:00.1Z", "2026-03-10T23:59:59.123456789Z", "2024-02-29T00:00:00Z",
                "1969-12-31T23:59:59.999Z", "0001-01-01T00:00:00Z", "2026-03-10T10:00:00.5+01:00")) {
            assertThat(EventParser.timestamp(t)).as(t).isEqualTo(Timestamp.from(OffsetDateTime.parse(t).toInstant()));
        }
        // Forms the fast path leaves to java.time: a leap second, a space, a lowercase z; and what neither reads.
        assertThat(EventParser.timestamp("2026-03-10T23:59:60Z").toInstant())
                .isEqualTo(Instant.parse("2026-03-10T23:59:60Z")); // java.time reads it as 23:59:59
        assertThat(EventParser.timestamp("2026-03-10 10:00:00Z").toInstant())
                .isEqualTo(Instant.parse("2026-03-10T10:00:00Z"));
        assertThat(EventParser.timestamp("2026-03-10T10:00:00z").toInstant())
                .isEqualTo(Instant.parse("2026-03-10T10:00:00Z"));
        assertThat(EventParser.timestamp("2025-02-29T10:00:00Z")).isNull();
    }

    private static String dead(String raw) {
        TrafficEvent e = EventParser.parse(raw, ARRIVED);
        assertThat(e.getRaw()).isEqualTo(raw);
        return e.getProblem();
    }
}
