package io.shoppulse.collector.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.shoppulse.common.problem.FieldError;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The event contract: one JSON Schema per event type (draft 2020-12), kept under
 * {@code META-INF/resources/schemas/events/v1} and served by the collector at {@code /schemas/events/v1/}. The
 * schemas are the source of truth; this class picks the schema for an event's type, answers the common case (a
 * valid event) with the schema compiled into plain checks, and asks the full validator to explain a refusal
 * field by field.
 */
@ApplicationScoped
public class EventContract {

    public static final String VERSION = "v1";
    public static final List<String> STANDARD_TYPES = List.of("page_view", "view_item_list", "view_item",
            "select_item", "search", "add_to_cart", "remove_from_cart", "view_cart", "begin_checkout",
            "add_shipping_info", "add_payment_info", "purchase", "refund", "sign_up", "login");
    private static final String ROOT = "https://shoppulse.io/schemas/";
    private static final String BASE = ROOT + "events/" + VERSION + "/";
    private static final ObjectMapper DOCUMENTS = new ObjectMapper();
    private static final Pattern CUSTOM_TYPE = Pattern.compile("[a-z][a-z0-9_]{0,19}:[a-z][a-z0-9_]{0,39}");

    /** One event type's schema, twice: compiled for the verdict, interpreted for the explanation. */
    record Schema(CompiledSchema compiled, JsonSchema full) {
    }

    private final Schema envelope;
    private final Map<String, Schema> byType = new LinkedHashMap<>();

    public EventContract() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                builder -> builder.schemaMappers(mappers -> mappers.mapPrefix(ROOT,
                        "classpath:META-INF/resources/schemas/")));
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true)
                .pathType(com.networknt.schema.PathType.JSON_POINTER).build();
        CompiledSchema.Compiler compiler = new CompiledSchema.Compiler(EventContract::document);
        envelope = load(factory, config, compiler, "envelope");
        for (String type : STANDARD_TYPES) {
            byType.put(type, load(factory, config, compiler, type));
        }
    }

    private static Schema load(JsonSchemaFactory factory, SchemaValidatorsConfig config,
            CompiledSchema.Compiler compiler, String name) {
        JsonSchema schema = factory.getSchema(SchemaLocation.of(BASE + name + ".json"), config);
        schema.initializeValidators(); // resolve every $ref now, not on the first request
        return new Schema(compiler.compile(URI.create(BASE + name + ".json")), schema);
    }

    private static JsonNode document(URI uri) {
        String resource = "META-INF/resources/schemas/" + uri.toString().substring(ROOT.length());
        try (InputStream in = EventContract.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no schema " + uri + " (" + resource + ")");
            }
            return DOCUMENTS.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The schema an event is checked against: its type's, or the envelope's for custom and unknown types. */
    Schema schemaFor(JsonNode event) {
        JsonNode type = event.get("type");
        Schema specific = type != null && type.isTextual() ? byType.get(type.textValue()) : null;
        return specific != null ? specific : envelope;
    }

    /** True for a standard type and for a custom {@code namespace:name} type; the schemas know no others. */
    public static boolean isEventType(String type) {
        return type != null && (STANDARD_TYPES.contains(type) || CUSTOM_TYPE.matcher(type).matches());
    }

    /** Every way the event breaks the contract, by field; empty when it is valid. */
    public List<FieldError> validate(JsonNode event) {
        if (event == null || !event.isObject()) {
            return List.of(new FieldError("", "an event must be a JSON object"));
        }
        JsonNode type = event.get("type");
        Schema schema = schemaFor(event);
        boolean unknownType = schema == envelope && type != null && type.isTextual()
                && !CUSTOM_TYPE.matcher(type.asText()).matches();
        if (!unknownType && schema.compiled().isValid(event)) {
            return List.of(); // the common case: nothing allocated
        }
        List<FieldError> errors = new ArrayList<>();
        if (unknownType) {
            errors.add(new FieldError("type", "unknown event type '" + type.asText() + "': use a standard type ("
                    + String.join(", ", STANDARD_TYPES) + ") or namespace:name for a custom event"));
        }
        Set<ValidationMessage> messages = schema.full().validate(event);
        messages.stream().sorted(Comparator.comparing(EventContract::field)).map(
                m -> new FieldError(field(m), reason(m))).filter(e -> !errors.contains(e)).forEach(errors::add);
        return errors;
    }

    /** The field a finding is about, as a dotted path with indexes: {@code items[0].price}. */
    static String field(ValidationMessage message) {
        StringBuilder path = new StringBuilder();
        String pointer = message.getInstanceLocation().toString();
        for (String segment : pointer.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            if (segment.chars().allMatch(Character::isDigit)) {
                path.append('[').append(segment).append(']');
            } else {
                path.append(path.length() == 0 ? "" : ".").append(segment.replace("~1", "/").replace("~0", "~"));
            }
        }
        if ("required".equals(message.getType()) || "dependentRequired".equals(message.getType())) {
            Object missing = message.getArguments() != null && message.getArguments().length > 0
                    ? message.getArguments()[0]
                    : message.getProperty();
            path.append(path.length() == 0 ? "" : ".").append(missing);
        }
        return path.toString();
    }

    private static String reason(ValidationMessage message) {
        return switch (message.getType()) {
            case "required" -> "is required";
            case "dependentRequired" -> "is required when " + message.getProperty() + " is present";
            case "enum" -> "must be one of the allowed values" + ("currency".equals(field(message))
                    ? " (an active ISO 4217 code such as EUR or USD)"
                    : "");
            case "const" -> "must be " + message.getSchemaNode();
            default -> message.getError();
        };
    }
}
