package io.shoppulse.orders.imports;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.shoppulse.common.imports.MappingFile;
import io.shoppulse.common.testing.Platform;
import io.shoppulse.common.testing.Tokens;
import io.shoppulse.common.testing.TopicReader;
import io.shoppulse.orders.OrdersServers;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * A shop's order export (Online Retail style: a row per line, returns as negative quantities, cancellations as
 * C-prefixed invoices) imported into the real PostgreSQL, with the totals computed by hand and read back by SQL.
 */
@QuarkusTest
@OrdersServers
class OrderImportTest {

    static final String MAPPING = """
            csv: {delimiter: ",", header: true}
            columns:
              order_id: Invoice
              placed_at: InvoiceDate
              customer_id: Customer ID
              sku: StockCode
              name: Description
              quantity: Quantity
              unit_price: Price
              country: Country
            currency: GBP
            timestamp: {format: "yyyy-MM-dd HH:mm:ss", zone: Europe/London}
            returns: refund
            cancellations: {prefix: C, action: refund}
            status: delivered
            """;

    @Test
    void anExportWithReturnsCancellationsAndBadRowsLoadsOnceWithTheRightTotals() throws Exception {
        String p = "T" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String csv = """
                Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country
                %1$s1001,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850,United Kingdom
                %1$s1001,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850,United Kingdom
                %1$s1002,22633,"HAND WARMER, UNION JACK",6,2010-12-01 08:28:00,1.85,17850,United Kingdom
                %1$s1002,22633,"HAND WARMER, UNION JACK",-2,2010-12-01 09:00:00,1.85,17850,United Kingdom
                C%1$s1001,85123A,WHITE HANGING HEART T-LIGHT HOLDER,-1,2010-12-02 10:00:00,2.55,17850,United Kingdom
                %1$s1003,21730,GLASS STAR FROSTED,3,not-a-date,4.25,13047,France
                %1$s1004,21730,GLASS STAR FROSTED,0,2010-12-01 09:00:00,4.25,13047,France

                %1$s1005,21731,RED TOADSTOOL LED NIGHT LIGHT,2,2010-12-01 09:05:00,1.655,13047,France
                %1$s1006,21732,"BLUE ""POLKADOT"" CUP",1,2010-12-01 09:10:00,2.10,,EIRE
                C%1$s9999,22000,NEVER SOLD,-1,2010-12-03 10:00:00,1.00,13047,France
                %1$s1007,,NO SKU,1,2010-12-01 09:15:00,1.00,13047,France
                """.formatted(p);

        JsonPath first = importCsv(csv);
        assertThat(first.getLong("rows_read")).isEqualTo(11);
        assertThat(first.getLong("rows_loaded")).isEqualTo(6); // 1001: 2 lines + 1 cancellation, 1002: 2, 1006: 1
        assertThat(first.getLong("records_loaded")).isEqualTo(3);
        assertThat(first.getLong("bad_row_count")).isEqualTo(5);
        assertThat(first.getList("bad_rows.line", Long.class)).containsExactly(7L, 8L, 10L, 12L, 13L);
        assertThat(first.getString("bad_rows[0].reason")).startsWith("placed_at: 'not-a-date'");
        assertThat(first.getString("bad_rows[1].reason")).isEqualTo("quantity: must not be 0");
        assertThat(first.getString("bad_rows[2].reason")).contains("unit_price: has more than 2 decimals for GBP");
        assertThat(first.getString("bad_rows[3].reason")).contains("neither in this file nor in the shop");
        assertThat(first.getString("bad_rows[4].reason")).isEqualTo("sku: is empty");

        // Net revenue by hand: 1001 (15.30 + 20.34 − 2.55) + 1002 (11.10 − 3.70) + 1006 (2.10) = 42.59 GBP.
        assertThat(sql("SELECT sum(total - refunded) FROM orders.orders WHERE order_id LIKE ?", p + "%"))
                .isEqualByComparingTo(new BigDecimal("42.59"));
        assertThat(sql("SELECT sum(quantity) FILTER (WHERE kind = 'sale') - sum(quantity) FILTER (WHERE kind ="
                + " 'refund') FROM orders.order_lines WHERE order_id LIKE ?", p + "%")).isEqualByComparingTo("16");
        assertThat(sql("SELECT count(*) FROM orders.refunds WHERE order_id LIKE ?", p + "%")).isEqualByComparingTo(
                "2");
        assertThat(text("SELECT min(c.relname) FROM orders.orders o JOIN pg_class c ON c.oid = o.tableoid"
                + " WHERE order_id LIKE ?", p + "%")).isEqualTo("orders_p201012");
        var order = given().auth().oauth2(Tokens.of("demo-manager")).get("/v1/orders/" + p + "1006").then()
                .statusCode(200).body("status", equalTo("delivered")).body("country", equalTo("IE"))
                .body("placed_at", equalTo("2010-12-01T09:10:00Z")).extract().jsonPath();
        assertThat(order.getString("lines[0].name")).isEqualTo("BLUE \"POLKADOT\" CUP");

        JsonPath again = importCsv(csv);
        assertThat(again.getLong("rows_loaded")).isZero();
        assertThat(again.getLong("rows_already_present")).isEqualTo(6);
        assertThat(again.getLong("bad_row_count")).isEqualTo(5);
        assertThat(sql("SELECT sum(total - refunded) FROM orders.orders WHERE order_id LIKE ?", p + "%"))
                .isEqualByComparingTo(new BigDecimal("42.59"));
        assertThat(sql("SELECT count(*) FROM orders.order_lines WHERE order_id LIKE ?", p + "%"))
                .isEqualByComparingTo("6");
        assertThat(text("SELECT string_agg(DISTINCT origin, ',') FROM orders.orders WHERE order_id LIKE ?",
                p + "%")).isEqualTo("import");
    }

    @Test
    void aLargerExportLoadsInSeveralBatchesAndALaterLongerExportAddsOnlyWhatIsNew() throws Exception {
        String p = "G" + UUID.randomUUID().toString().substring(0, 8) + "-";
        java.util.Random random = new java.util.Random(7);
        StringBuilder a = new StringBuilder(
                "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country\n");
        BigDecimal expected = BigDecimal.ZERO;
        String firstLineOfOrder5 = null;
        // 1,100 orders of 20 lines: 22,000 lines, more than one batch, so both loaders run.
        for (int o = 1; o <= 1100; o++) {
            for (int l = 0; l < 20; l++) {
                int quantity = 1 + random.nextInt(3);
                BigDecimal price = BigDecimal.valueOf(100 + random.nextInt(900), 2);
                expected = expected.add(price.multiply(BigDecimal.valueOf(quantity)));
                String row = p + o + ",S" + l + ",ITEM " + l + "," + quantity + ",2011-03-0" + (1 + o % 9)
                        + " 10:00:00," + price.toPlainString() + ",1" + o + ",France\n";
                if (o == 5 && l == 0) {
                    firstLineOfOrder5 = row;
                }
                a.append(row);
            }
        }
        try (TopicReader orderEvents = new TopicReader("shop.orders.v1")) {
            JsonPath first = importCsv(a.toString());
            assertThat(first.getLong("rows_loaded")).isEqualTo(22_000);
            assertThat(first.getLong("records_loaded")).isEqualTo(1100);
            assertThat(sql("SELECT sum(total) FROM orders.orders WHERE order_id LIKE ?", p + "%"))
                    .isEqualByComparingTo(expected);

            // A longer export of the same shop: the same rows, one return of order 5 and one new order.
            String[] f = firstLineOfOrder5.split(",");
            BigDecimal returned = new BigDecimal(f[5]);
            String b = a + "C" + p + "5," + f[1] + ",ITEM 0,-1,2011-03-20 10:00:00," + f[5] + "," + f[6] + ",France\n"
                    + p + "9999,S1,ITEM 1,2,2011-03-21 10:00:00,4.50,19999,France\n";
            for (int run = 0; run < 2; run++) {
                JsonPath longer = importCsv(b);
                assertThat(longer.getLong("rows_loaded")).isEqualTo(run == 0 ? 2 : 0);
                assertThat(longer.getLong("rows_already_present")).isEqualTo(run == 0 ? 22_000 : 22_002);
                assertThat(sql("SELECT sum(total - refunded) FROM orders.orders WHERE order_id LIKE ?", p + "%"))
                        .isEqualByComparingTo(expected.add(new BigDecimal("9.00")).subtract(returned));
            }

            // Imported history is not published: a live order placed now is the first event of this run's orders.
            given().auth().oauth2(Tokens.of("demo-manager")).contentType("application/json")
                    .body(java.util.Map.of("order_id", p + "live", "placed_at", "2026-11-20T10:00:00Z", "currency",
                            "EUR", "lines", java.util.List.of(java.util.Map.of("sku", "S", "quantity", 1,
                                    "unit_price", 1))))
                    .post("/v1/orders").then().statusCode(201);
            var events = orderEvents.await(m -> m.key().contains(":" + p), 1);
            assertThat(events).extracting(TopicReader.Message::key).containsExactly(
                    Platform.require("SHOPPULSE_DEMO_TENANT_ID") + ":" + p + "live");
        }
    }

    @Test
    void aMappingThatDoesNotFitIsRefusedNamingTheField() {
        String csv = "Invoice,StockCode,Quantity,InvoiceDate,Price\nA1,S1,1,2010-12-01 08:26:00,1.00\n";
        given().auth().oauth2(Tokens.of("demo-admin")).contentType("text/csv")
                .header(MappingFile.HEADER, base64(MAPPING.replace("unit_price:", "unit_prise:"))).body(csv)
                .post("/v1/imports/orders").then().statusCode(400)
                .body("errors[0].field", equalTo("mapping.columns.unit_prise"));
        given().auth().oauth2(Tokens.of("demo-admin")).contentType("text/csv").header(MappingFile.HEADER,
                base64(MAPPING)).body(csv).post("/v1/imports/orders").then().statusCode(400)
                .body("errors[0].field", equalTo("columns.customer_id"));
        given().auth().oauth2(Tokens.of("demo-analyst")).contentType("text/csv")
                .header(MappingFile.HEADER, base64(MAPPING)).body(csv).post("/v1/imports/orders").then()
                .statusCode(403);
    }

    private static JsonPath importCsv(String csv) {
        return given().auth().oauth2(Tokens.of("demo-admin")).contentType("text/csv")
                .header(MappingFile.HEADER, base64(MAPPING)).body(csv.getBytes(StandardCharsets.UTF_8))
                .post("/v1/imports/orders").then().statusCode(200).extract().jsonPath();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static BigDecimal sql(String query, String like) throws Exception {
        return new BigDecimal(text(query, like));
    }

    private static String text(String query, String like) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + Platform.pgHost() + ":"
                + Platform.pgPort() + "/" + Platform.pgDatabase(), "shoppulse_orders",
                Platform.get("SHOPPULSE_DB_PASSWORD_ORDERS", ""));
                PreparedStatement ps = c.prepareStatement(query)) {
            ps.setString(1, like);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
