package io.shoppulse.collector.imports;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.shoppulse.collector.service.EventImport;
import io.shoppulse.collector.support.Servers;
import io.shoppulse.common.imports.MappingFile;
import io.shoppulse.common.testing.Platform;
import io.shoppulse.common.testing.RawHttp;
import io.shoppulse.common.testing.Tokens;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * A behaviour export in the layout of the "eCommerce behavior data from multi category store" data set (a row per
 * view, cart or purchase) imported into the real PostgreSQL, with the totals computed by hand and read back by SQL.
 */
@QuarkusTest
@Servers
class EventImportTest {

    static final String MAPPING = """
            csv: {delimiter: ",", header: true}
            columns:
              time: event_time
              type: event_type
              item_id: product_id
              item_category: category_code
              item_brand: brand
              price: price
              user_id: user_id
              session_id: user_session
              transaction_id: order_id
            currency: USD
            timestamp: {format: "yyyy-MM-dd HH:mm:ss 'UTC'", zone: UTC}
            types: {view: view_item, cart: add_to_cart, purchase: purchase}
            unknown_types: skip
            """;

    @Test
    void anExportWithSeveralTypesUnknownTypesAndBadRowsLoadsOnceWithTheRightTotals() throws Exception {
        String p = "T" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String csv = """
                event_time,event_type,product_id,category_code,brand,price,user_id,user_session,order_id
                2019-10-01 08:00:00 UTC,view,1001,"electronics,smartphone",acme,10.50,%1$su1,%1$ss1,
                2019-10-01 08:00:00 UTC,view,1001,"electronics,smartphone",acme,10.50,%1$su1,%1$ss1,
                2019-10-01 08:01:00 UTC,cart,1001,"electronics,smartphone",acme,10.50,%1$su1,%1$ss1,
                2019-10-01 08:02:00 UTC,purchase,1001,"electronics,smartphone",acme,10.50,%1$su1,%1$ss1,%1$so1
                2019-10-02 23:59:00 UTC,view,2002,,"Brand ""Q""\",99.99,%1$su2,%1$ss2,
                2019-10-02 23:59:59 UTC,purchase,2002,,"Brand ""Q""\",99.99,%1$su2,%1$ss2,%1$so2
                2019-10-02 10:00:00 UTC,wishlist,2002,,,99.99,%1$su2,%1$ss2,

                yesterday,view,1001,,,10.50,%1$su3,%1$ss3,
                2019-10-01 09:00:00 UTC,cart,1001,,,-5,%1$su3,%1$ss3,
                2019-10-01 09:01:00 UTC,view,1001,,,10.50,%1$su3,,
                2019-10-01 09:02:00 UTC,purchase,1001,,,10.50,%1$su3,%1$ss3,
                2099-01-01 00:00:00 UTC,view,1001,,,10.50,%1$su3,%1$ss3,
                """.formatted(p);

        JsonPath first = importCsv(csv, MAPPING, 200);
        assertThat(first.getLong("rows_read")).isEqualTo(12);
        assertThat(first.getLong("rows_loaded")).isEqualTo(6); // identical rows 2 and 3 are two real views
        assertThat(first.getLong("rows_already_present")).isZero();
        assertThat(first.getLong("rows_skipped")).isEqualTo(1); // wishlist maps to nothing
        assertThat(first.getLong("bad_row_count")).isEqualTo(5);
        assertThat(first.getList("bad_rows.line", Long.class)).containsExactly(10L, 11L, 12L, 13L, 14L);
        assertThat(first.getString("bad_rows[0].reason"))
                .isEqualTo("time: 'yesterday' does not match the mapping's timestamp format");
        assertThat(first.getString("bad_rows[1].reason")).contains("items[0].price: ").contains("value: ");
        assertThat(first.getString("bad_rows[2].reason")).isEqualTo("session_id: is required");
        assertThat(first.getString("bad_rows[3].reason")).isEqualTo("transaction_id: is required");
        assertThat(first.getString("bad_rows[4].reason")).contains("in the future");

        assertThat(text("SELECT string_agg(type || '=' || n, ',' ORDER BY type) FROM (SELECT type, count(*) n"
                + " FROM collector.events WHERE session_id LIKE ? GROUP BY type) t", p + "%"))
                .isEqualTo("add_to_cart=1,purchase=2,view_item=3");
        // Revenue by hand: 10.50 + 99.99.
        assertThat(new BigDecimal(text("SELECT sum((payload->>'value')::numeric) FROM collector.events"
                + " WHERE type = 'purchase' AND session_id LIKE ?", p + "%"))).isEqualByComparingTo("110.49");
        assertThat(text("SELECT count(DISTINCT event_id) FROM collector.events WHERE session_id LIKE ?", p + "%"))
                .isEqualTo("6");
        assertThat(text("SELECT string_agg(DISTINCT c.relname, ',') FROM collector.events e"
                + " JOIN pg_class c ON c.oid = e.tableoid WHERE session_id LIKE ?", p + "%"))
                .isEqualTo("events_p20191001,events_p20191002");
        assertThat(text("SELECT string_agg(DISTINCT origin || ' ' || (source_id IS NULL) || ' ' || tenant_id"
                + " || ' ' || (anonymous_id = user_id), ',') FROM collector.events WHERE session_id LIKE ?", p + "%"))
                .isEqualTo("import true " + Tokens.tenantOf("demo-admin") + " true");
        // The payload holds the event but what the columns hold (the envelope, read from the columns).
        assertThat(text("SELECT string_agg(DISTINCT k, ',' ORDER BY k) FROM collector.events,"
                + " jsonb_object_keys(payload) k WHERE session_id LIKE ?", p + "%"))
                .isEqualTo("currency,items,transaction_id,user_id,value");
        assertThat(text("SELECT payload->'items'->0->>'item_brand' || '|' || (payload->'items'->0->>'item_category')"
                + " || '|' || (payload->>'transaction_id') || '|' || (payload->>'value') FROM collector.events"
                + " WHERE session_id LIKE ? AND type = 'purchase' AND occurred_at < '2019-10-02'", p + "%"))
                .isEqualTo("acme|electronics,smartphone|" + p + "o1|10.50");

        JsonPath again = importCsv(csv, MAPPING, 200);
        assertThat(again.getLong("rows_loaded")).isZero();
        assertThat(again.getLong("rows_already_present")).isEqualTo(6);
        assertThat(again.getLong("rows_skipped")).isEqualTo(1);
        assertThat(again.getLong("bad_row_count")).isEqualTo(5);
        assertThat(text("SELECT count(*) FROM collector.events WHERE session_id LIKE ?", p + "%")).isEqualTo("6");
    }

    @Test
    void rejectedUnknownTypesAndGivenEventIdsAreHonoured() throws Exception {
        String p = "T" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String id = UUID.randomUUID().toString();
        String mapping = MAPPING.replace("unknown_types: skip", "unknown_types: reject").replace("order_id",
                "order_id\n  event_id: id");
        String csv = """
                id,event_time,event_type,product_id,category_code,brand,price,user_id,user_session,order_id
                %2$s,2019-11-05 10:00:00 UTC,view,1,,,1.00,%1$su,%1$ss,
                %2$s,2019-11-05 10:00:00 UTC,view,1,,,1.00,%1$su,%1$ss,
                ,2019-11-05 10:00:01 UTC,wishlist,1,,,1.00,%1$su,%1$ss,
                not-a-uuid,2019-11-05 10:00:02 UTC,view,1,,,1.00,%1$su,%1$ss,
                """.formatted(p, id);

        JsonPath report = importCsv(csv, mapping, 200);

        assertThat(report.getLong("rows_loaded")).isEqualTo(1);
        assertThat(report.getLong("rows_already_present")).isEqualTo(1); // the same id twice is one event
        assertThat(report.getList("bad_rows.line", Long.class)).containsExactly(4L, 5L);
        assertThat(report.getString("bad_rows[0].reason")).startsWith("type: 'wishlist' is not one of the mapping's");
        assertThat(report.getString("bad_rows[1].reason")).startsWith("event_id: ");
        assertThat(text("SELECT event_id FROM collector.events WHERE session_id LIKE ?", p + "%")).isEqualTo(id);
    }

    @Test
    void aFileExtendedAfterItsImportLoadsOnlyTheRowsAddedToIt() throws Exception {
        String p = "T" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String head = """
                event_time,event_type,product_id,category_code,brand,price,user_id,user_session,order_id
                2019-10-03 08:00:00 UTC,view,1001,,,10.50,%1$su1,%1$ss1,
                2019-10-03 08:01:00 UTC,cart,1001,,,10.50,%1$su1,%1$ss1,
                """.formatted(p);
        String tail = """
                2019-10-03 08:02:00 UTC,purchase,1001,,,10.50,%1$su1,%1$ss1,%1$so1
                2019-10-04 00:00:01 UTC,view,2002,,,99.99,%1$su2,%1$ss2,
                """.formatted(p);
        assertThat(importCsv(head, MAPPING, 200).getLong("rows_loaded")).isEqualTo(2);

        JsonPath extended = importCsv(head + tail, MAPPING, 200);

        assertThat(extended.getLong("rows_loaded")).isEqualTo(2);
        assertThat(extended.getLong("rows_already_present")).isEqualTo(2);
        assertThat(text("SELECT string_agg(type || '@' || to_char(occurred_at AT TIME ZONE 'UTC', 'DD HH24:MI:SS'),"
                + " ',' ORDER BY occurred_at) FROM collector.events WHERE session_id LIKE ?", p + "%"))
                .isEqualTo("view_item@03 08:00:00,add_to_cart@03 08:01:00,purchase@03 08:02:00,view_item@04 00:00:01");
    }

    @Test
    void eventsRepeatedAcrossBatchesAreStoredOnce() throws Exception {
        // Three batches (EventImport.BATCH_ROWS each, the last one short) over three days. The second batch repeats
        // the first one's last 100 events at its start and its first 100 at its end: its direct COPY fails and it is
        // loaded the staged way, while the first and third go straight in.
        String p = "T" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String mapping = MAPPING.replace("order_id", "order_id\n  event_id: id");
        int batch = EventImport.BATCH_ROWS;
        int rows = 2 * batch + 10_000;
        String[] line = new String[rows];
        for (int i = 0; i < rows; i++) {
            line[i] = "%s,2019-11-%02d %02d:%02d:%02d UTC,view,%d,,,1.00,%su%d,%ss%d,\n".formatted(
                    UUID.nameUUIDFromBytes((p + i).getBytes(StandardCharsets.UTF_8)), 4 + i * 3 / rows,
                    i / 3600 % 24, i / 60 % 60, i % 60, i % 500, p, i % 900, p, i % 900);
        }
        for (int k = 0; k < 100; k++) {
            line[batch + k] = line[batch - 100 + k];
            line[2 * batch - 100 + k] = line[k];
        }
        StringBuilder csv = new StringBuilder(
                "id,event_time,event_type,product_id,category_code,brand,price,user_id,user_session,order_id\n");
        for (String l : line) {
            csv.append(l);
        }

        JsonPath report = importCsv(csv.toString(), mapping, 200);

        assertThat(report.getLong("rows_read")).isEqualTo(rows);
        assertThat(report.getLong("bad_row_count")).isZero();
        assertThat(report.getLong("rows_loaded")).isEqualTo(rows - 200);
        assertThat(report.getLong("rows_already_present")).isEqualTo(200);
        assertThat(text("SELECT count(*) || '/' || count(DISTINCT event_id) || '/' || count(DISTINCT tableoid)"
                + " FROM collector.events WHERE session_id LIKE ?", p + "%"))
                .isEqualTo((rows - 200) + "/" + (rows - 200) + "/3");
    }

    @Test
    void aMappingThatDoesNotFitIsRefusedNamingTheFieldAndOnlyAdminsImport() {
        String csv = "event_time,event_type,user_session\n2019-10-01 08:00:00 UTC,view,s1\n";
        given().auth().oauth2(Tokens.of("demo-admin")).contentType("text/csv")
                .header(MappingFile.HEADER, base64(MAPPING.replace("session_id:", "sesion_id:"))).body(csv)
                .post("/v1/imports/events").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("mapping.columns.sesion_id"));
        given().auth().oauth2(Tokens.of("demo-admin")).contentType("text/csv")
                .header(MappingFile.HEADER, base64(MAPPING.replace("cart: add_to_cart", "cart: add_to_basket")))
                .body(csv).post("/v1/imports/events").then().statusCode(400)
                .body("errors[0].field", equalTo("mapping.types.cart"));
        given().auth().oauth2(Tokens.of("demo-admin")).contentType("text/csv")
                .header(MappingFile.HEADER, base64(MAPPING)).body(csv).post("/v1/imports/events").then()
                .statusCode(400).body("errors[0].field", equalTo("columns.user_id"));
        given().auth().oauth2(Tokens.of("demo-analyst")).contentType("text/csv")
                .header(MappingFile.HEADER, base64(MAPPING)).body(csv).post("/v1/imports/events").then()
                .statusCode(403);
        given().contentType("text/csv").header(MappingFile.HEADER, base64(MAPPING)).body(csv)
                .post("/v1/imports/events").then().statusCode(401);
    }

    @Test
    void eventIntakeStillRefusesLargeBodiesBeforeReadingThem() throws Exception {
        // Only the headers are sent: the answer must come without the server waiting for (or buffering) the body.
        List<String> response = RawHttp.postHeadersOnly(RestAssured.port, "/v1/events", "application/json",
                104_857_600);
        assertThat(response.get(0)).isEqualTo("HTTP/1.1 413 Request Entity Too Large");
        assertThat(String.join("\n", response)).contains("application/problem+json").contains("\"field\":\"body\"");
        given().contentType("application/json").body("[]").post("/v1/events").then().statusCode(401);
    }

    private static JsonPath importCsv(String csv, String mapping, int status) {
        return given().auth().oauth2(Tokens.of("demo-admin")).contentType("text/csv")
                .header(MappingFile.HEADER, base64(mapping)).body(csv.getBytes(StandardCharsets.UTF_8))
                .post("/v1/imports/events").then().statusCode(status).extract().jsonPath();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(String query, String like) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + Platform.pgHost() + ":"
                + Platform.pgPort() + "/" + Platform.pgDatabase(), "shoppulse_collector",
                Platform.get("SHOPPULSE_DB_PASSWORD_COLLECTOR", ""));
                PreparedStatement ps = c.prepareStatement(query)) {
            ps.setString(1, like);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
