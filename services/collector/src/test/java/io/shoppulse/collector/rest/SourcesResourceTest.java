package io.shoppulse.collector.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.shoppulse.collector.support.Servers;
import io.shoppulse.collector.support.Sources;
import io.shoppulse.common.testing.Tokens;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
@Servers
class SourcesResourceTest {

    @Test
    void withoutATokenTheAdminApiAnswers401Problem() {
        given().get("/v1/sources").then().statusCode(401)
                .contentType("application/problem+json")
                .body("status", equalTo(401));
    }

    @Test
    void rolesWithoutSourceRightsAreForbidden() {
        for (String user : List.of("demo-viewer", "demo-analyst", "demo-marketer")) {
            given().auth().oauth2(Tokens.of(user)).get("/v1/sources").then().statusCode(403)
                    .contentType("application/problem+json");
        }
    }

    @Test
    void anAdminCreatesASourceAndSeesTheKeyOnlyOnce() {
        String name = "Storefront " + UUID.randomUUID();

        var created = Sources.create("demo-admin", name, List.of("https://shop.example.com"));

        assertThat(created.statusCode()).isEqualTo(201);
        String key = created.path("write_key");
        String sourceId = created.path("source_id");
        assertThat(key).startsWith("spk_").hasSize(44);
        assertThat(created.header("Location")).endsWith("/v1/sources/" + sourceId);
        assertThat(created.<String>path("tenant_id")).isEqualTo(Tokens.tenantOf("demo-admin"));
        given().auth().oauth2(Tokens.of("demo-manager")).get("/v1/sources").then().statusCode(200)
                .body("find { it.source_id == '" + sourceId + "' }.name", equalTo(name))
                .body("find { it.source_id == '" + sourceId + "' }.key_prefix", equalTo(key.substring(0, 10)))
                .body("find { it.source_id == '" + sourceId + "' }.write_key", equalTo(null));
    }

    @Test
    void aSecondSourceWithTheSameNameIsAConflict() {
        String name = "Duplicate " + UUID.randomUUID();
        assertThat(Sources.create("demo-admin", name, List.of()).statusCode()).isEqualTo(201);

        var again = Sources.create("demo-admin", name, List.of());

        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.contentType()).startsWith("application/problem+json");
    }

    @Test
    void invalidFieldsAreNamedInTheProblem() {
        given().auth().oauth2(Tokens.of("demo-admin")).contentType(ContentType.JSON)
                .body(Map.of("name", "", "allowed_origins", List.of("https://ok.example.com", "shop.example.com/path")))
                .post("/v1/sources").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", equalTo(List.of("name", "allowed_origins[1]")))
                .body("errors[1].reason", startsWith("must be an origin"));
    }

    @Test
    void rotatingAKeyRetiresTheOldOneAndRevokingRetiresTheSource() {
        var created = Sources.create("demo-admin", "Rotating " + UUID.randomUUID(), List.of());
        String oldKey = created.path("write_key");
        String sourceId = created.path("source_id");
        assertThat(postEmptyBatch(oldKey)).isEqualTo(202);

        String newKey = given().auth().oauth2(Tokens.of("demo-admin")).post("/v1/sources/" + sourceId + "/rotate-key")
                .then().statusCode(200).extract().path("write_key");

        assertThat(newKey).isNotEqualTo(oldKey);
        assertThat(postEmptyBatch(oldKey)).isEqualTo(401);
        assertThat(postEmptyBatch(newKey)).isEqualTo(202);

        given().auth().oauth2(Tokens.of("demo-admin")).delete("/v1/sources/" + sourceId).then().statusCode(204);
        assertThat(postEmptyBatch(newKey)).isEqualTo(401);
        given().auth().oauth2(Tokens.of("demo-admin")).delete("/v1/sources/" + sourceId).then().statusCode(404);
    }

    @Test
    void anotherTenantCanNeitherSeeNorTouchTheSource() {
        String sourceId = Sources.create("demo-admin", "Private " + UUID.randomUUID(), List.of()).path("source_id");

        given().auth().oauth2(Tokens.of("other-admin")).get("/v1/sources").then().statusCode(200)
                .body("source_id", not(hasItem(sourceId)));
        given().auth().oauth2(Tokens.of("other-admin")).post("/v1/sources/" + sourceId + "/rotate-key").then()
                .statusCode(404);
        given().auth().oauth2(Tokens.of("other-admin")).delete("/v1/sources/" + sourceId).then().statusCode(404);
        given().auth().oauth2(Tokens.of("demo-admin")).get("/v1/sources").then().body("source_id", hasItem(sourceId));
    }

    private static int postEmptyBatch(String key) {
        return given().header(EventsResource.WRITE_KEY_HEADER, key).contentType(ContentType.JSON).body("[]")
                .post("/v1/events").statusCode();
    }
}
