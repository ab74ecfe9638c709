package io.shoppulse.collector.support;

import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.shoppulse.common.testing.Tokens;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Creates sources through the real admin API, as a shop admin would. */
public final class Sources {

    private Sources() {
    }

    public static ExtractableResponse<Response> create(String user, String name, List<String> origins) {
        return given().auth().oauth2(Tokens.of(user)).contentType(ContentType.JSON)
                .body(Map.of("name", name, "allowed_origins", origins))
                .post("/v1/sources").then().extract();
    }

    /** A fresh source of the demo tenant; returns its write key. */
    public static String newWriteKey() {
        return create("demo-admin", "test source " + UUID.randomUUID(), List.of()).path("write_key");
    }
}
