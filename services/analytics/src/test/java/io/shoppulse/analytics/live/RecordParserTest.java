package io.shoppulse.analytics.live;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The live lane's reading of event records: the five fields it needs, and a clear reason for a record it cannot. */
class RecordParserTest {

    static final String TENANT = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

    @Test
    void anEventKeepsItsIdTenantTimeAndSessionWhateverElseItCarries() {
        LiveRecord r = RecordParser.event("""
                {"event_id": "e1", "type": "view_item", "items": [{"item_id": "A", "price": 1.5, "x": {"y": [1, 2]}}],
                 "context": {"user_agent": "Mozilla/5.0", "device": {"class": "mobile"}}, "tenant_id": "%s",
                 "occurred_at": "2026-03-10T10:00:00.123+01:00", "session_id": "s1", "value": null, "ok": true}
                """.formatted(TENANT));

        assertThat(r.eventId()).isEqualTo("e1");
        assertThat(r.tenant()).isEqualTo(UUID.fromString(TENANT));
        assertThat(r.occurredAt()).isEqualTo(Instant.parse("2026-03-10T09:00:00.123Z"));
        assertThat(r.at()).isEqualTo(r.occurredAt());
        assertThat(r.sessionId()).isEqualTo("s1");
        assertThat(r.event()).isTrue();
        assertThat(r.counts()).isTrue();
    }

    @Test
    void aSessionIsOptionalAndARepeatedFieldCountsWithItsLastValue() {
        LiveRecord r = RecordParser.event("""
                {"event_id": "e1", "event_id": "e2", "type": "page_view", "tenant_id": "%s",
                 "occurred_at": "2026-03-10T10:00:00Z", "session_id": " "}""".formatted(TENANT));

        assertThat(r.eventId()).isEqualTo("e2");
        assertThat(r.sessionId()).isNull();
    }

    @Test
    void aRecordItCannotReadIsRefusedNamingTheFirstFieldAtFault() {
        String ok = "\"event_id\": \"e1\", \"type\": \"page_view\", \"tenant_id\": \"" + TENANT
                + "\", \"occurred_at\": \"2026-03-10T10:00:00Z\"";
        assertThat(reason("")).isEqualTo("body: empty record");
        assertThat(reason("[1, 2]")).isEqualTo("body: not a JSON object");
        assertThat(reason("{\"event_id\": ")).startsWith("body: not JSON (");
        assertThat(reason("{" + ok + ", \"items\": [}")).startsWith("body: not JSON (");
        assertThat(reason("{" + ok.replace("\"e1\"", "7") + "}")).isEqualTo("event_id: required string");
        assertThat(reason("{" + ok.replace(TENANT, "t-1") + "}")).isEqualTo("tenant_id: not a UUID");
        assertThat(reason("{" + ok.replace("2026-03-10T10:00:00Z", "yesterday") + "}"))
                .isEqualTo("occurred_at: not an ISO 8601 instant");
        assertThat(reason("{" + ok.replace("\"page_view\"", "{\"name\": \"x\"}") + "}"))
                .isEqualTo("type: required string");
        // Several faults: the first in the order event_id, tenant_id, occurred_at, type.
        assertThat(reason("{\"type\": 1, \"tenant_id\": \"t-1\", \"event_id\": \"e1\"}"))
                .isEqualTo("tenant_id: not a UUID");
    }

    private static String reason(String raw) {
        try {
            RecordParser.event(raw);
        } catch (BadRecordException e) {
            return e.getMessage();
        }
        throw new AssertionError("read: " + raw);
    }
}
