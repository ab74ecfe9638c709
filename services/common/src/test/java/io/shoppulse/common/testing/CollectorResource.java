package io.shoppulse.common.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/**
 * The real collector, run from its built jar on a free port against the real PostgreSQL, Kafka and Keycloak, for
 * tests of components that send events through it (the routes). Creates a source of the demo tenant and hands its
 * write key to the component under test as {@code shoppulse.routes.write-key}.
 */
public class CollectorResource implements QuarkusTestResourceLifecycleManager {

    /** Config key holding the id of the source this resource created (its write key is the routes' key). */
    public static final String SOURCE_ID = "shoppulse.test.source-id";

    private Process process;

    @Override
    public Map<String, String> start() {
        Path root = repositoryRoot();
        Path jar = root.resolve("services/collector/target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    jar + " is missing: build the collector first (mvn package, or ./shoppulse test)");
        }
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder("java", "-Xmx256m", "-jar", jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("services/collector/target/collector-for-tests.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.put("SHOPPULSE_DB_USER", "shoppulse_collector");
        env.put("SHOPPULSE_DB_PASSWORD", Platform.get("SHOPPULSE_DB_PASSWORD_COLLECTOR", ""));
        env.put("SHOPPULSE_KAFKA_BOOTSTRAP", Platform.kafkaBootstrap());
        env.put("SHOPPULSE_KEYCLOAK_URL", Platform.keycloakUrl());
        env.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start the collector", e);
        }
        String url = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "The collector exited; see services/collector/target/collector-for-tests.log");
            }
            try {
                return http.send(HttpRequest.newBuilder(URI.create(url + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        com.fasterxml.jackson.databind.JsonNode source = createSource(http, url);
        // The source id lets a test tell its own events from those of a routes service running beside it.
        return Map.of("shoppulse.collector.url", url, "shoppulse.routes.write-key", source.get("write_key").asText(),
                SOURCE_ID, source.get("source_id").asText());
    }

    private static com.fasterxml.jackson.databind.JsonNode createSource(HttpClient http, String url) {
        String body = "{\"name\": \"routes test " + UUID.randomUUID() + "\"}";
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/sources"))
                    .header("Authorization", "Bearer " + Tokens.of("demo-admin"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 201) {
                throw new IllegalStateException("Cannot create a source: " + response.body());
            }
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("shoppulse")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("Not inside the ShopPulse repository: " + new File("").getAbsolutePath());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
