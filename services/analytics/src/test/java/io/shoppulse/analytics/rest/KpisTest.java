package io.shoppulse.analytics.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.shoppulse.analytics.AnalyticsServers;
import io.shoppulse.common.testing.Tokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static io.restassured.RestAssured.given;
import static io.shoppulse.analytics.Shop.as;
import static io.shoppulse.analytics.Shop.db;
import static io.shoppulse.analytics.Shop.insert;
import static io.shoppulse.analytics.Shop.tokenWithoutRole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

/**
 * The read API over rows written where Spark writes them. The token decides the tenant (the demo tenant), so the
 * rows sit in an hour of the coming days that nothing else writes (partitions are kept ahead), chosen at random and
 * deleted afterwards; rows of a random other tenant in the same buckets must never show. Expected figures are worked
 * out by hand below, not by the service's SQL.
 */
@QuarkusTest
@AnalyticsServers
class KpisTest {

    private static final String[] TABLES = {"traffic_minute", "traffic_hour", "visitors_hour", "sales_hour",
            "product_hour", "product_sales_hour", "products", "alerts"};
    private final UUID demo = UUID.fromString(Tokens.tenantOf("demo-analyst"));
    private final UUID other = UUID.randomUUID();
    private Instant hour;
    private final String item = "SKU-" + UUID.randomUUID();
    private final String kind = "test-" + UUID.randomUUID();

    @BeforeEach
    void rows() throws Exception {
        hour = Instant.now().truncatedTo(ChronoUnit.DAYS)
                .plus(ThreadLocalRandom.current().nextInt(2, 6), ChronoUnit.DAYS)
                .plus(ThreadLocalRandom.current().nextInt(0, 22), ChronoUnit.HOURS);
        try (Connection c = db()) {
            String traffic = " (tenant_id, bucket, channel, device, sessions, new_sessions, bounced_sessions,"
                    + " product_view_sessions, cart_sessions, checkout_sessions, converted_sessions,"
                    + " abandoned_cart_sessions, session_seconds, page_views, product_views, add_to_carts, checkouts,"
                    + " purchases, events) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
            insert(c, "INSERT INTO traffic_hour" + traffic, demo, hour, "google/cpc", "desktop", 10, 6, 4, 7, 5, 3, 2,
                    3, 1200, 40, 20, 8, 3, 2, 90);
            insert(c, "INSERT INTO traffic_hour" + traffic, demo, hour, "(direct)", "phone", 5, 1, 1, 2, 2, 1, 1, 1,
                    300, 10, 5, 3, 1, 1, 30);
            insert(c, "INSERT INTO traffic_hour" + traffic, other, hour, "(direct)", "phone", 1000, 0, 0, 0, 0, 0, 0,
                    0, 0, 0, 0, 0, 0, 0, 0);
            insert(c, "INSERT INTO traffic_minute" + traffic, demo, hour.plusSeconds(300), "(direct)", "phone", 1, 1, 1,
                    0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);
            insert(c, "INSERT INTO visitors_hour (tenant_id, bucket, users, new_users) VALUES (?, ?, 12, 5)", demo,
                    hour);
            String sales = "INSERT INTO sales_hour (tenant_id, bucket, currency, country, orders, units, gross_revenue,"
                    + " refunds, refunded_amount, cancellations, cancelled_amount) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
            insert(c, sales, demo, hour, "EUR", "DE", 2, 3, new BigDecimal("100.10"), 1, new BigDecimal("20.05"), 0,
                    BigDecimal.ZERO);
            insert(c, sales, demo, hour, "EUR", "FR", 1, 1, new BigDecimal("50.00"), 0, BigDecimal.ZERO, 1,
                    new BigDecimal("50.00"));
            insert(c, sales, demo, hour, "JPY", "JP", 3, 3, new BigDecimal("10000"), 0, BigDecimal.ZERO, 0,
                    BigDecimal.ZERO);
            insert(c, sales, other, hour, "EUR", "DE", 99, 99, new BigDecimal("9999"), 0, BigDecimal.ZERO, 0,
                    BigDecimal.ZERO);
            insert(c, "INSERT INTO product_hour (tenant_id, bucket, item_id, views, add_to_carts, purchases)"
                    + " VALUES (?, ?, ?, 1000000, 4, 1)", demo, hour, item);
            // Three sold, one returned, one taken back by a cancellation: net 89.97 - 29.99 - 29.99.
            insert(c, "INSERT INTO product_sales_hour (tenant_id, bucket, item_id, currency, units, revenue,"
                    + " refunded_units, refunded_amount, cancelled_units, cancelled_amount)"
                    + " VALUES (?, ?, ?, 'EUR', 3, 89.97, 1, 29.99, 1, 29.99)", demo, hour, item);
            insert(c, "INSERT INTO products (tenant_id, item_id, name, brand, category, updated_at)"
                    + " VALUES (?, ?, 'Test shoe', 'Acme', 'apparel/shoes', now())", demo, item);
            insert(c, "INSERT INTO alerts (tenant_id, alert_id, kind, severity, occurred_at, title, details)"
                    + " VALUES (?, ?, ?, 'warning', ?, 'Older', '{\"n\": 1}'::jsonb),"
                    + " (?, ?, ?, 'critical', ?, 'Newer', '{\"n\": 2}'::jsonb)", demo, "a1-" + kind, kind, hour, demo,
                    "a2-" + kind, kind, hour.plusSeconds(60));
        }
    }

    @AfterEach
    void deleteRows() throws Exception {
        try (Connection c = db()) {
            for (String table : TABLES) {
                for (UUID tenant : new UUID[]{demo, other}) {
                    try (var ps = c.prepareStatement("DELETE FROM " + table + " WHERE tenant_id = ? AND "
                            + (table.equals("products")
                                    ? "item_id = ?"
                                    : table.equals("alerts")
                                            ? "kind = ?"
                                            : "bucket >= ? AND bucket < ?"))) {
                        ps.setObject(1, tenant);
                        if (table.equals("products")) {
                            ps.setString(2, item);
                        } else if (table.equals("alerts")) {
                            ps.setString(2, kind);
                        } else {
                            ps.setObject(2, hour.atOffset(java.time.ZoneOffset.UTC));
                            ps.setObject(3, hour.plus(2, ChronoUnit.HOURS).atOffset(java.time.ZoneOffset.UTC));
                        }
                        ps.executeUpdate();
                    }
                }
            }
        }
    }

    @Test
    void kpisPerHourAddTheSlicesAndKeepCurrenciesApart() {
        JsonPath body = as("demo-analyst").queryParam("from", hour.toString())
                .queryParam("to", hour.plus(2, ChronoUnit.HOURS).toString()).queryParam("grain", "hour")
                .get("/v1/kpis").then().statusCode(200).extract().jsonPath();
        assertThat(body.getList("buckets")).hasSize(2);
        Map<String, Object> b = body.getMap("buckets[0]");
        assertThat(b.get("bucket")).isEqualTo(hour.toString());
        // 10 + 5 sessions; 2 + 1 converted; 3 + 1 abandoned of 5 + 2 carts; 4 + 1 bounced; 1200 + 300 seconds.
        assertThat(b).containsEntry("sessions", 15).containsEntry("new_sessions", 7).containsEntry("users", 12)
                .containsEntry("new_users", 5).containsEntry("page_views", 50).containsEntry("product_views", 25)
                .containsEntry("add_to_carts", 11).containsEntry("checkouts", 4).containsEntry("purchases", 3);
        assertThat(body.getDouble("buckets[0].conversion_rate")).isEqualTo(0.2);
        assertThat(body.getDouble("buckets[0].cart_abandonment_rate")).isEqualTo(0.5714);
        assertThat(body.getDouble("buckets[0].bounce_rate")).isEqualTo(0.3333);
        assertThat(body.getDouble("buckets[0].avg_session_seconds")).isEqualTo(100.0);
        // EUR: 100.10 + 50.00 gross, 20.05 refunded, 50.00 cancelled: net 80.05; AOV 150.10 / 3 = 50.0333.
        Map<String, Object> eur = body.getMap("buckets[0].sales.EUR");
        assertThat(eur).containsEntry("orders", 3).containsEntry("units", 4);
        assertThat(new BigDecimal((String) eur.get("gross_revenue"))).isEqualByComparingTo("150.10");
        assertThat(new BigDecimal((String) eur.get("refunded_amount"))).isEqualByComparingTo("20.05");
        assertThat(new BigDecimal((String) eur.get("cancelled_amount"))).isEqualByComparingTo("50.00");
        assertThat(new BigDecimal((String) eur.get("net_revenue"))).isEqualByComparingTo("80.05");
        assertThat(eur.get("aov")).isEqualTo("50.0333");
        Map<String, Object> jpy = body.getMap("buckets[0].sales.JPY");
        assertThat(new BigDecimal((String) jpy.get("net_revenue"))).isEqualByComparingTo("10000");
        assertThat(jpy.get("aov")).isEqualTo("3333.3333");
        assertThat(body.getMap("buckets[0].sales")).containsOnlyKeys("EUR", "JPY");
        // The next hour has nothing: zeros, and ratios over 0 are null.
        assertThat(body.getMap("buckets[1]")).containsEntry("sessions", 0).containsEntry("conversion_rate", null)
                .containsEntry("sales", Map.of());
    }

    @Test
    void aChannelSlicesTrafficAndLeavesOutWhatHasNoChannel() {
        as("demo-viewer").queryParam("from", hour.toString()).queryParam("to", hour.plusSeconds(3600).toString())
                .queryParam("grain", "hour").queryParam("channel", "google/cpc").get("/v1/kpis").then()
                .statusCode(200).body("buckets[0].sessions", equalTo(10))
                .body("buckets[0].cart_abandonment_rate", equalTo(0.6f)).body("buckets[0].bounce_rate", equalTo(0.4f))
                .body("buckets[0].avg_session_seconds", equalTo(120.0f)).body("buckets[0].users", nullValue())
                .body("buckets[0].sales", nullValue());
        as("demo-marketer").queryParam("from", hour.toString()).queryParam("to", hour.plusSeconds(600).toString())
                .queryParam("grain", "minute").get("/v1/kpis").then().statusCode(200)
                .body("buckets.size()", equalTo(10)).body("buckets[5].sessions", equalTo(1))
                .body("buckets[5].bounce_rate", equalTo(1.0f)).body("buckets[5].cart_abandonment_rate", nullValue());
    }

    @Test
    void productsFunnelAndAlertsReadTheTenantsRows() {
        as("demo-manager").queryParam("from", hour.toString()).queryParam("to", hour.plusSeconds(3600).toString())
                .queryParam("limit", "1").get("/v1/products").then().statusCode(200)
                .body("products[0].item_id", equalTo(item)).body("products[0].name", equalTo("Test shoe"))
                .body("products[0].view_to_cart_rate", equalTo(0.0f))
                .body("products[0].cart_to_purchase_rate", equalTo(0.25f))
                .body("products[0].sales.EUR.cancelled_units", equalTo(1))
                .body("products[0].sales.EUR.net_revenue", equalTo("29.9900"));
        as("demo-admin").queryParam("from", hour.toString()).queryParam("to", hour.plusSeconds(3600).toString())
                .get("/v1/funnel").then().statusCode(200).body("steps[0].sessions", equalTo(15))
                .body("steps[1].sessions", equalTo(9)).body("steps[4].sessions", equalTo(3))
                .body("steps[4].rate_from_start", equalTo(0.2f));
        as("demo-analyst").queryParam("from", hour.toString()).queryParam("to", hour.plusSeconds(3600).toString())
                .queryParam("kind", kind).get("/v1/alerts").then().statusCode(200)
                .body("alerts.title", org.hamcrest.Matchers.contains("Newer", "Older"))
                .body("alerts[0].details.n", equalTo(2));
    }

    @Test
    void badParametersAreNamed() {
        as("demo-viewer").queryParam("to", "2026-01-01T00:00:00Z").queryParam("grain", "week").get("/v1/kpis").then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors.field", org.hamcrest.Matchers.containsInAnyOrder("from", "grain"));
        as("demo-viewer").queryParam("from", "2026-01-02T00:00:00Z").queryParam("to", "2026-01-01T00:00:00Z")
                .queryParam("grain", "hour").get("/v1/kpis").then().statusCode(400).body("errors[0].field",
                        equalTo("to"));
        as("demo-viewer").queryParam("from", "2026-01-01T00:00:00Z").queryParam("to", "2026-01-03T00:00:00Z")
                .queryParam("grain", "minute").get("/v1/kpis").then().statusCode(400).body("errors[0].field",
                        equalTo("to"));
        as("demo-viewer").queryParam("from", "yesterday").queryParam("to", "2026-01-03T00:00:00Z")
                .queryParam("grain", "day").get("/v1/kpis").then().statusCode(400).body("errors.field",
                        hasItem("from"));
        as("demo-viewer").queryParam("from", hour.toString()).queryParam("to", hour.plusSeconds(3600).toString())
                .queryParam("sort", "revenue").queryParam("limit", "many").get("/v1/products").then().statusCode(400)
                .body("errors.field", org.hamcrest.Matchers.containsInAnyOrder("currency", "limit"));
        as("demo-viewer").queryParam("hour", "noon").get("/v1/trending").then().statusCode(400)
                .body("errors[0].field", equalTo("hour"));
    }

    @Test
    void everyEndpointNeedsATokenWithARole() throws Exception {
        for (String path : new String[]{"/v1/live", "/v1/kpis", "/v1/products", "/v1/funnel", "/v1/trending",
                "/v1/alerts"}) {
            given().get(path).then().statusCode(401).contentType("application/problem+json");
        }
        String noRole = tokenWithoutRole();
        given().auth().oauth2(noRole).get("/v1/live").then().statusCode(403);
        given().auth().oauth2(noRole).queryParam("from", hour.toString())
                .queryParam("to", hour.plusSeconds(3600).toString()).queryParam("grain", "hour").get("/v1/kpis").then()
                .statusCode(403);
        for (String user : new String[]{"demo-admin", "demo-analyst", "demo-marketer", "demo-manager",
                "demo-viewer"}) {
            as(user).get("/v1/trending").then().statusCode(200);
        }
    }
}
