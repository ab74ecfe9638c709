package io.shoppulse.analytics.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shoppulse.analytics.spark.config.JobConfig;
import io.shoppulse.analytics.spark.intake.IntakeErrorsJob;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.shoppulse.analytics.spark.SparkTestSupport.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The intake-errors query against the real Kafka and PostgreSQL, fed refusals as the collector's EventIngest writes
 * them to shop.events.dlq.v1, with counts and spikes worked out by hand.
 */
class IntakeErrorsJobTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String source = UUID.randomUUID().toString();
    private int index;

    private static void runToEnd(JobConfig config) throws Exception {
        IntakeErrorsJob.start(SparkTestSupport.spark(config), config, true).awaitTermination();
    }

    /** {@code n} refusals received in the minute {@code minute} (HH:mm of 2026-03-10), each of its own index. */
    private List<String[]> refused(String tenant, String minute, int n, String type, String field, String reason) {
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ObjectNode r = JSON.createObjectNode().put("tenant_id", tenant).put("source_id", source)
                    .put("received_at", "2026-03-10T" + minute + ":" + String.format("%02d", i % 60) + ".250Z")
                    .put("index", index++);
            r.putArray("errors").addObject().put("field", field).put("reason", reason);
            if (type == null) {
                r.put("parse_error", "Unexpected end-of-input");
            } else {
                r.putObject("event").put("event_id", UUID.randomUUID().toString()).put("type", type);
            }
            out.add(new String[]{tenant, r.toString()});
        }
        return out;
    }

    private static Map<String, Object> minute(String bucket, boolean checkout, long errors) {
        return Map.of("bucket", Timestamp.from(Instant.parse("2026-03-10T" + bucket + ":00Z")), "checkout", checkout,
                "errors", errors);
    }

    @Test
    void countsRefusalsPerMinuteAndRaisesASpikeOnceAboveFiveTimesTheHourBefore() throws Exception {
        JobConfig config = SparkTestSupport.config("intake");
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        List<String[]> first = new ArrayList<>();
        // A, other: 3 at 09:30 and 3 at 09:45 (a baseline of 6 / 60 = 0.1 a minute), then 12 at 10:00: a spike.
        first.addAll(refused(a, "09:30", 3, "page_view", "page.url", "must be an absolute URL"));
        first.addAll(refused(a, "09:45", 3, "page_view", "page.url", "must be an absolute URL"));
        first.addAll(refused(a, "10:00", 8, "page_view", "page.url", "must be an absolute URL"));
        first.addAll(refused(a, "10:00", 4, null, "[0]", "not valid JSON: Unexpected end-of-input"));
        // A, checkout: 9 at 10:00, one short of the minimum.
        first.addAll(refused(a, "10:00", 5, "purchase", "value", "is required for purchase"));
        first.addAll(refused(a, "10:00", 2, "begin_checkout", "items", "must not be empty"));
        first.addAll(refused(a, "10:00", 2, "add_payment_info", "payment_type", "is required"));
        // B, checkout: 120 at 09:10 (nothing before it: a spike), then 10 at 10:00 against 120 / 60 = 2 a minute:
        // 10 is not more than 5 x 2.
        first.addAll(refused(b, "09:10", 60, "purchase", "currency", "is not ISO 4217"));
        first.addAll(refused(b, "09:10", 60, "purchase", "currency", "is not ISO 4217"));
        first.addAll(refused(b, "10:00", 10, "add_shipping_info", "shipping_tier", "is required"));
        SparkTestSupport.send(config, config.topics().intakeErrors(), first);
        runToEnd(config);

        // Run 2: two more in A's spiking minute (still one alert) and 3 at 10:01. Two unreadable records go last:
        // they count at their arrival time (now), which moves the watermark past every refusal of this test.
        List<String[]> second = new ArrayList<>();
        second.addAll(refused(a, "10:00", 2, "view_item", "items[0].item_id", "is required"));
        second.addAll(refused(a, "10:01", 3, "view_item", "items[0].item_id", "is required"));
        second.add(new String[]{"x", "{not json"});
        second.add(new String[]{"x", "{\"tenant_id\":\"" + a + "\",\"errors\":[]}"});
        SparkTestSupport.send(config, config.topics().intakeErrors(), second);
        runToEnd(config);

        String counts = "SELECT bucket, checkout, errors FROM intake_errors_minute WHERE tenant_id = ?::uuid "
                + "ORDER BY bucket, checkout";
        assertThat(rows(config, counts, a)).containsExactly(minute("09:30", false, 3), minute("09:45", false, 3),
                minute("10:00", false, 14), minute("10:00", true, 9), minute("10:01", false, 3));
        assertThat(rows(config, counts, b)).containsExactly(minute("09:10", true, 120), minute("10:00", true, 10));

        List<Map<String, Object>> alerts = rows(config, "SELECT tenant_id::text AS tenant, alert_id, kind, severity, "
                + "details::text AS details FROM alerts WHERE tenant_id IN (?::uuid, ?::uuid) ORDER BY alert_id", a,
                b);
        String spikeA = "intake_error_spike:" + a + ":other:2026-03-10T10:00:00Z";
        String spikeB = "intake_error_spike:" + b + ":checkout:2026-03-10T09:10:00Z";
        assertThat(alerts).extracting(r -> r.get("alert_id")).containsExactlyInAnyOrder(spikeA, spikeB);
        Map<String, Object> alertA = alerts.stream().filter(r -> r.get("alert_id").equals(spikeA)).findFirst()
                .orElseThrow();
        assertThat(alertA).containsEntry("kind", "intake_error_spike").containsEntry("severity", "warning");
        JsonNode detailsA = JSON.readTree((String) alertA.get("details"));
        assertThat(detailsA.get("minute").asText()).isEqualTo("2026-03-10T10:00:00Z");
        assertThat(detailsA.get("count").asLong()).isEqualTo(12);
        assertThat(detailsA.get("baseline_per_minute").decimalValue()).isEqualByComparingTo(new BigDecimal("0.10"));
        assertThat(detailsA.get("top_errors").get(0).get("field").asText()).isEqualTo("page.url");
        assertThat(detailsA.get("top_errors").get(0).get("count").asLong()).isEqualTo(8);
        assertThat(detailsA.get("top_errors").get(1).get("field").asText()).isEqualTo("[0]");
        Map<String, Object> alertB = alerts.stream().filter(r -> r.get("alert_id").equals(spikeB)).findFirst()
                .orElseThrow();
        assertThat(alertB).containsEntry("severity", "critical");
        JsonNode detailsB = JSON.readTree((String) alertB.get("details"));
        assertThat(detailsB.get("count").asLong()).isEqualTo(120);
        assertThat(detailsB.get("baseline_per_minute").decimalValue()).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(detailsB.get("top_errors").get(0).get("reason").asText()).isEqualTo("is not ISO 4217");

        // Each alert reached Kafka once.
        assertThat(SparkTestSupport.publishedAlerts(config, a, b)).extracting(alert -> alert.get("alert_id").asText())
                .containsExactlyInAnyOrder(spikeA, spikeB);

        assertThat(rows(config, "SELECT query_name, reason FROM dead_letters WHERE topic = ? ORDER BY reason",
                config.topics().intakeErrors())).containsExactly(
                        Map.of("query_name", "intake-errors", "reason", "received_at is missing or not a time"),
                        Map.of("query_name", "intake-errors", "reason", "tenant_id is missing or not a UUID"));
    }
}
