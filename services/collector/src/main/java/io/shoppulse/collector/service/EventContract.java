package io.shoppulse.collector.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.shoppulse.common.problem.FieldError;
import jakarta.enterprise.context.ApplicationScoped;

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
 * schemas are the source of truth; this class only picks the schema for an event's type and turns the
 * validator's findings into field errors.
 */
@ApplicationScoped
public class EventContract {

    public static final String VERSION = "v1";
    public static final List<String> STANDARD_TYPES = List.of("page_view", "view_item_list", "view_item",
            "select_item", "search", "add_to_cart", "remove_from_cart", "view_cart", "begin_checkout",
            "add_shipping_info", "add_payment_info", "purchase", "refund", "sign_up", "login");
    private static final String BASE = "https://shoppulse.io/schemas/events/" + VERSION + "/";
    private static final Pattern CUSTOM_TYPE = Pattern.compile("[a-z][a-z0-9_]{0,19}:[a-z][a-z0-9_]{0,39}");

    private final JsonSchema envelope;
    private final Map<String, JsonSchema> byType = new LinkedHashMap<>();

    public EventContract() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                builder -> builder.schemaMappers(mappers -> mappers.mapPrefix("https://shoppulse.io/schemas/",
                        "classpath:META-INF/resources/schemas/")));
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true)
                .pathType(com.networknt.schema.PathType.JSON_POINTER).build();
        envelope = load(factory, config, "envelope");
        for (String type : STANDARD_TYPES) {
            byType.put(type, load(factory, config, type));
        }
    }

    private static JsonSchema load(JsonSchemaFactory factory, SchemaValidatorsConfig config, String name) {
        JsonSchema schema = factory.getSchema(SchemaLocation.of(BASE + name + ".json"), config);
        schema.initializeValidators(); // resolve every $ref now, not on the first request
        return schema;
    }

    /** Every way the event breaks the contract, by field; empty when it is valid. */
    public List<FieldError> validate(JsonNode event) {
        if (event == null || !event.isObject()) {
            return List.of(new FieldError("", "an event must be a JSON object"));
        }
        JsonNode type = event.get("type");
        JsonSchema schema = envelope;
        List<FieldError> errors = new ArrayList<>();
        if (type != null && type.isTextual()) {
            JsonSchema specific = byType.get(type.asText());
            if (specific != null) {
                schema = specific;
            } else if (!CUSTOM_TYPE.matcher(type.asText()).matches()) {
                errors.add(new FieldError("type", "unknown event type '" + type.asText()
                        + "': use a standard type (" + String.join(", ", STANDARD_TYPES)
                        + ") or namespace:name for a custom event"));
            }
        }
        Set<ValidationMessage> messages = schema.validate(event);
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
