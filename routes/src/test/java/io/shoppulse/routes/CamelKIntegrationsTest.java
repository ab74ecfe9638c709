package io.shoppulse.routes;

import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Kubernetes runs what runs locally: each route file has its Camel K Integration, with the same content. */
class CamelKIntegrationsTest {

    private static final Path ROUTES = Path.of(".");
    private static final Path INTEGRATIONS = Path.of("../k8s/camel-k");

    @Test
    @SuppressWarnings("unchecked")
    void everyRouteFileHasAnUpToDateIntegration() throws IOException {
        List<Path> routeFiles;
        try (Stream<Path> files = Files.list(ROUTES)) {
            routeFiles = files.filter(p -> p.getFileName().toString().endsWith(".camel.yaml"))
                    .filter(p -> !p.getFileName().toString().equals("connections.camel.yaml")).sorted().toList();
        }
        assertThat(routeFiles).isNotEmpty();
        for (Path route : routeFiles) {
            String name = route.getFileName().toString().replace(".camel.yaml", "");
            Path integrationFile = INTEGRATIONS.resolve(name + ".yaml");
            assertThat(integrationFile).as("run k8s/camel-k/render.sh").exists();
            Map<String, Object> integration = (Map<String, Object>) new Load(LoadSettings.builder().build())
                    .loadFromString(Files.readString(integrationFile));
            assertThat(integration.get("kind")).isEqualTo("Integration");
            Map<String, Object> spec = (Map<String, Object>) integration.get("spec");
            List<Map<String, Object>> sources = (List<Map<String, Object>>) spec.get("sources");
            assertThat(sources).extracting(s -> s.get("name"))
                    .containsExactly(route.getFileName().toString(), "connections.camel.yaml");
            assertThat(sources.get(0).get("content")).as(name + " is stale: run k8s/camel-k/render.sh")
                    .isEqualTo(Files.readString(route));
            assertThat(sources.get(1).get("content"))
                    .isEqualTo(Files.readString(ROUTES.resolve("connections.camel.yaml")));
        }
    }
}
