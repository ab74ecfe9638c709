package io.shoppulse.collector.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shoppulse.contract.Timestamps;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The compiled validator must give the full validator's verdict on every event: the documented examples and many
 * thousands of seeded mutants of them (fields removed, replaced by values at and beyond every limit, wrong types,
 * bad formats, unexpected fields).
 */
class CompiledSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MUTANTS_PER_EXAMPLE = 2_000;
    private static EventContract contract;
    private static List<ObjectNode> examples;

    @BeforeAll
    static void load() {
        contract = new EventContract();
        examples = new ArrayList<>(DocumentedExamples.load().values());
    }

    @Test
    void agreesWithTheFullValidatorOnExamplesAndTheirMutants() {
        Random random = new Random(20261125);
        List<String> disagreements = new ArrayList<>();
        int valid = 0;
        int checked = 0;
        for (ObjectNode example : examples) {
            for (int i = 0; i < MUTANTS_PER_EXAMPLE; i++) {
                ObjectNode event = example.deepCopy();
                int changes = i == 0 ? 0 : 1 + random.nextInt(2);
                for (int c = 0; c < changes; c++) {
                    mutate(event, random);
                }
                EventContract.Schema schema = contract.schemaFor(event);
                boolean full = schema.full().validate(event).isEmpty();
                boolean compiled = schema.compiled().isValid(event);
                if (full != compiled && disagreements.size() < 10) {
                    disagreements.add("full=" + full + " compiled=" + compiled + ": " + event);
                }
                valid += full ? 1 : 0;
                checked++;
            }
        }
        assertThat(disagreements).isEmpty();
        // The corpus must exercise both verdicts, or the agreement says nothing.
        assertThat(valid).isBetween(checked / 20, checked - checked / 20);
    }

    @Test
    void refusesToCompileAKeywordItDoesNotImplement() throws IOException {
        JsonNode schema = JSON
                .readTree("{\"type\": \"object\", \"patternProperties\": {\"^x\": {\"type\": \"string\"}}}");

        assertThatThrownBy(() -> CompiledSchema.compile(URI.create("https://example.com/s.json"), uri -> schema))
                .hasMessageContaining("patternProperties");
    }

    @Test
    void followsReferencesAcrossDocumentsAndWithinOne() throws IOException {
        JsonNode main = JSON.readTree("{\"$ref\": \"defs.json#/$defs/positive\"}");
        JsonNode defs = JSON.readTree("{\"$defs\": {\"positive\": {\"$ref\": \"#/$defs/number\", \"minimum\": 1},"
                + " \"number\": {\"type\": \"number\"}}}");
        CompiledSchema schema = CompiledSchema.compile(URI.create("https://example.com/main.json"),
                uri -> uri.toString().endsWith("defs.json") ? defs : main);

        assertThat(schema.isValid(NODES.numberNode(2))).isTrue();
        assertThat(schema.isValid(NODES.numberNode(0))).isFalse();
        assertThat(schema.isValid(NODES.textNode("2"))).isFalse();
    }

    @Test
    void formatShortcutsOnlyAcceptWhatTheFullFormatsAccept() {
        com.networknt.schema.Format dateTime = com.networknt.schema.Formats.DEFAULT.stream()
                .filter(f -> f.getName().equals("date-time")).findFirst().orElseThrow();
        com.networknt.schema.Format uuid = com.networknt.schema.Formats.DEFAULT.stream()
                .filter(f -> f.getName().equals("uuid")).findFirst().orElseThrow();
        Random random = new Random(42);
        int shortcutYes = 0;
        for (int i = 0; i < 200_000; i++) {
            // Mostly well-formed shapes with random (often impossible) field values, sometimes a stray character.
            String text = String.format("%04d-%02d-%02dT%02d:%02d:%02d%s%s", random.nextInt(10000), random.nextInt(14),
                    random.nextInt(33), random.nextInt(25), random.nextInt(61), random.nextInt(61),
                    random.nextBoolean() ? "." + "123456789012".substring(0, random.nextInt(12)) : "",
                    switch (random.nextInt(4)) {
                        case 0 -> "Z";
                        case 1 -> "z";
                        default -> String.format("%s%02d:%02d", random.nextBoolean() ? "+" : "-",
                                random.nextInt(25), random.nextInt(61));
                    });
            if (random.nextInt(10) == 0) {
                int at = random.nextInt(text.length());
                text = text.substring(0, at) + " T:-+.Z0\u0663".charAt(random.nextInt(9)) + text.substring(at + 1);
            }
            if (Timestamps.isPlainRfc3339(text)) {
                shortcutYes++;
                assertThat(dateTime.matches(null, text)).as(text).isTrue();
            }
            StringBuilder id = new StringBuilder(java.util.UUID.randomUUID().toString());
            if (random.nextInt(4) == 0) {
                id.setCharAt(random.nextInt(id.length()), "0aF-g \n".charAt(random.nextInt(7)));
            }
            if (CompiledSchema.isPlainUuid(id.toString())) {
                assertThat(uuid.matches(null, id.toString())).as(id.toString()).isTrue();
            }
        }
        assertThat(shortcutYes).as("the shortcut must take the common case").isGreaterThan(10_000);
    }

    /** Values at and just past every limit the contract sets, and of every JSON type. */
    private static final List<Supplier<JsonNode>> VALUES = List.of(() -> NODES.textNode(""),
            () -> NODES.textNode("x"), () -> NODES.textNode("x".repeat(100)), () -> NODES.textNode("x".repeat(101)),
            () -> NODES.textNode("x".repeat(128)), () -> NODES.textNode("x".repeat(129)),
            () -> NODES.textNode("x".repeat(200)), () -> NODES.textNode("x".repeat(201)),
            () -> NODES.textNode("x".repeat(500)), () -> NODES.textNode("x".repeat(501)),
            () -> NODES.textNode("x".repeat(1024)), () -> NODES.textNode("x".repeat(1025)),
            () -> NODES.textNode("https://shop.example.com/" + "p".repeat(2023)),
            () -> NODES.textNode("https://shop.example.com/" + "p".repeat(2024)),
            // 128 code points in 256 chars: within maxLength 128
            () -> NODES.textNode("\uD83D\uDED2".repeat(128)), () -> NODES.textNode("\uD83D\uDED2".repeat(129)),
            () -> NODES.numberNode(-1), () -> NODES.numberNode(0), () -> NODES.numberNode(1),
            () -> NODES.numberNode(1.0), () -> NODES.numberNode(1.5), () -> NODES.numberNode(-0.01),
            () -> NODES.numberNode(100000), () -> NODES.numberNode(100001), () -> NODES.numberNode(1e12),
            () -> NODES.numberNode(1.0000001e12), () -> NODES.numberNode(Long.MAX_VALUE),
            () -> NODES.numberNode(new java.math.BigDecimal("1000000000000.000000000001")),
            () -> NODES.numberNode(new java.math.BigInteger("123456789012345678901234567890")),
            () -> NODES.booleanNode(true), NODES::nullNode, NODES::objectNode, NODES::arrayNode,
            () -> NODES.textNode("3f2b2a8e-5b7c-4e1a-9d3f-2c1b0a9e8d7c"),
            () -> NODES.textNode("3f2b2a8e-5b7c-4e1a-9d3f-2c1b0a9e8d7"), () -> NODES.textNode("not-a-uuid"),
            () -> NODES.textNode("2026-11-25T10:00:00Z"), () -> NODES.textNode("2026-11-25T10:00:00.123+01:00"),
            () -> NODES.textNode("2026-11-25 10:00:00"), () -> NODES.textNode("2026-13-01T00:00:00Z"),
            () -> NODES.textNode("2026-11-25T24:00:00Z"), () -> NODES.textNode("https://shop.example.com/p/1?q=a"),
            () -> NODES.textNode("/relative/path"), () -> NODES.textNode("not a url"),
            () -> NODES.textNode("EUR"), () -> NODES.textNode("eur"), () -> NODES.textNode("DEM"),
            () -> NODES.textNode("purchase"), () -> NODES.textNode("page_view"), () -> NODES.textNode("acme:thing"),
            () -> NODES.textNode("Acme:Thing"), () -> NODES.textNode("pageview"),
            () -> item(), () -> NODES.arrayNode().add(item()), () -> {
                ArrayNode many = NODES.arrayNode();
                for (int i = 0; i < 201; i++) {
                    many.add(item());
                }
                return many;
            }, () -> {
                ObjectNode props = NODES.objectNode();
                for (int i = 0; i < 51; i++) {
                    props.put("p" + i, i);
                }
                return props;
            });

    private static final List<String> FIELD_NAMES = List.of("event_id", "type", "timestamp", "sent_at",
            "anonymous_id", "user_id", "session_id", "page", "url", "path", "title", "referrer", "utm", "source",
            "items", "item_id", "price", "quantity", "index", "discount", "value", "currency", "transaction_id",
            "search_term", "method", "consent", "analytics", "properties", "user_agent", "tax", "unexpected");

    private static ObjectNode item() {
        return NODES.objectNode().put("item_id", "SKU-1").put("price", 9.5).put("quantity", 2);
    }

    /** Replaces, removes or adds one value somewhere in the event. */
    private static void mutate(ObjectNode event, Random random) {
        List<JsonNode> containers = new ArrayList<>();
        collect(event, containers);
        JsonNode container = containers.get(random.nextInt(containers.size()));
        JsonNode value = VALUES.get(random.nextInt(VALUES.size())).get();
        if (container instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            int action = random.nextInt(10);
            if (action == 0 && !names.isEmpty()) {
                object.remove(names.get(random.nextInt(names.size())));
            } else if (action <= 2 || names.isEmpty()) {
                object.set(FIELD_NAMES.get(random.nextInt(FIELD_NAMES.size())), value);
            } else {
                object.set(names.get(random.nextInt(names.size())), value);
            }
        } else if (container instanceof ArrayNode array) {
            if (array.isEmpty() || random.nextBoolean()) {
                array.add(value);
            } else {
                array.set(random.nextInt(array.size()), value);
            }
        }
    }

    private static void collect(JsonNode node, List<JsonNode> containers) {
        if (node.isContainerNode()) {
            containers.add(node);
            Iterator<JsonNode> children = node.elements();
            while (children.hasNext()) {
                collect(children.next(), containers);
            }
        }
    }
}
