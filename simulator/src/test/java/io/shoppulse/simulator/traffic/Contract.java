package io.shoppulse.simulator.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The event contract's JSON Schemas as the collector serves them, read from the collector's sources in this repo. */
final class Contract {

    private static final String ROOT = "https://shoppulse.io/schemas/";
    private static final Path SCHEMAS = repositoryRoot()
            .resolve("services/collector/src/main/resources/META-INF/resources/schemas");
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            builder -> builder.schemaMappers(m -> m.mapPrefix(ROOT, SCHEMAS.toUri().toString())));
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true).build();
    private static final Map<String, JsonSchema> BY_TYPE = new ConcurrentHashMap<>();

    private Contract() {
    }

    /** The contract's complaints about one event (empty when it is valid). */
    static Set<ValidationMessage> check(JsonNode event) {
        String type = event.path("type").asText();
        JsonSchema schema = BY_TYPE.computeIfAbsent(type, t -> {
            String name = Files.isRegularFile(SCHEMAS.resolve("events/v1/" + t + ".json")) ? t : "envelope";
            return FACTORY.getSchema(SchemaLocation.of(ROOT + "events/v1/" + name + ".json"), CONFIG);
        });
        return schema.validate(event);
    }

    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("shoppulse")) && Files.isDirectory(dir.resolve("services/collector"))) {
                return dir;
            }
        }
        throw new IllegalStateException("not inside the ShopPulse repository");
    }
}
