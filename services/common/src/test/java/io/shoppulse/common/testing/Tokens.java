package io.shoppulse.common.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Real access tokens for the demo users, from Keycloak's token endpoint (password grant, dev realm only). */
public final class Tokens {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

    private Tokens() {
    }

    /** A token for demo-admin, demo-analyst, demo-marketer, demo-manager, demo-viewer or other-admin. */
    public static String of(String user) {
        return CACHE.computeIfAbsent(user, Tokens::fetch);
    }

    public static String tenantOf(String user) {
        return Platform.require(user.startsWith("other-") ? "SHOPPULSE_OTHER_TENANT_ID" : "SHOPPULSE_DEMO_TENANT_ID");
    }

    private static String fetch(String user) {
        String password = Platform.require("SHOPPULSE_PASSWORD_" + user.toUpperCase().replace('-', '_'));
        String form = "grant_type=password&client_id=shoppulse-cli&username=" + encode(user) + "&password="
                + encode(password);
        HttpRequest request = HttpRequest.newBuilder(URI.create(Platform.keycloakRealmUrl()
                + "/protocol/openid-connect/token")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("Keycloak refused a token for " + user + ": " + response.body());
            }
            JsonNode body = JSON.readTree(response.body());
            return body.get("access_token").asText();
        } catch (IOException e) {
            throw new IllegalStateException("Keycloak is not reachable at " + Platform.keycloakUrl(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
