package io.shoppulse.collector.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Format;
import com.networknt.schema.Formats;
import io.shoppulse.contract.Timestamps;

import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A JSON Schema (draft 2020-12) compiled into a tree of plain checks that answer one question: is this instance
 * valid? It exists for speed on the collector's hot path, where nearly every event is valid: a yes costs a walk over
 * the event with no allocation. A no is handed to the full validator, which explains it field by field.
 * <p>
 * It supports exactly the keywords the event contract uses and refuses to compile a schema with any other, so a
 * schema change can never be skipped silently; formats use the full validator's own implementations, and a
 * differential test keeps the two validators' verdicts equal.
 */
public final class CompiledSchema {

    /** Keywords that only annotate. */
    private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "$defs", "$comment", "title",
            "description", "examples", "default", "deprecated", "readOnly", "writeOnly");
    private static final Map<String, Format> FORMATS = new HashMap<>();

    static {
        for (Format format : Formats.DEFAULT) {
            FORMATS.put(format.getName(), format);
        }
    }

    /** One compiled keyword (or group of them). */
    @FunctionalInterface
    interface Check {
        boolean test(JsonNode instance);
    }

    private final Check root;

    private CompiledSchema(Check root) {
        this.root = root;
    }

    public boolean isValid(JsonNode instance) {
        return root.test(instance);
    }

    /** Compiles the one schema at {@code location}; see {@link Compiler}. */
    public static CompiledSchema compile(URI location, Function<URI, JsonNode> documents) {
        return new Compiler(documents).compile(location);
    }

    /**
     * Compiles schemas that share documents: each document is read once and each referenced part compiled once, so
     * the event types all use the same compiled envelope. {@code documents} loads a schema document by its absolute
     * URI (without fragment), which is how {@code $ref}s across files are followed.
     */
    public static final class Compiler {
        private final Function<URI, JsonNode> documents;
        private final Map<URI, JsonNode> loaded = new HashMap<>();
        /** Compiled references, by absolute URI; a slot is filled after compiling, so recursion finds the slot. */
        private final Map<URI, Check[]> references = new HashMap<>();

        public Compiler(Function<URI, JsonNode> documents) {
            this.documents = documents;
        }

        public CompiledSchema compile(URI location) {
            return new CompiledSchema(reference(location));
        }

        private Check reference(URI target) {
            Check[] slot = references.get(target);
            if (slot == null) {
                slot = new Check[1];
                references.put(target, slot);
                URI document = withoutFragment(target);
                JsonNode schema = pointer(loaded.computeIfAbsent(document, documents), target.getFragment(), target);
                slot[0] = schema(schema, document);
            }
            Check[] compiled = slot;
            return compiled[0] != null ? compiled[0] : instance -> compiled[0].test(instance);
        }

        private Check schema(JsonNode schema, URI base) {
            if (schema.isBoolean()) {
                boolean accept = schema.booleanValue();
                return instance -> accept;
            }
            if (!schema.isObject()) {
                throw new IllegalArgumentException("not a schema at " + base + ": " + schema);
            }
            if (schema.has("$id")) {
                base = withoutFragment(base.resolve(schema.get("$id").asText()));
            }
            List<Check> checks = new ArrayList<>();
            Iterator<Map.Entry<String, JsonNode>> keywords = schema.fields();
            while (keywords.hasNext()) {
                Map.Entry<String, JsonNode> keyword = keywords.next();
                if (!ANNOTATIONS.contains(keyword.getKey())) {
                    checks.add(keyword(keyword.getKey(), keyword.getValue(), schema, base));
                }
            }
            return all(checks);
        }

        private Check keyword(String name, JsonNode value, JsonNode schema, URI base) {
            return switch (name) {
                case "$ref" -> reference(base.resolve(value.asText()));
                case "allOf" -> {
                    List<Check> parts = new ArrayList<>();
                    value.forEach(part -> parts.add(schema(part, base)));
                    yield all(parts);
                }
                case "type" -> type(value);
                case "const" -> instance -> instance.equals(value);
                case "enum" -> {
                    Set<JsonNode> allowed = new HashSet<>();
                    value.forEach(allowed::add);
                    yield allowed::contains;
                }
                case "required" -> {
                    String[] fields = strings(value);
                    yield instance -> {
                        if (instance.isObject()) {
                            for (String field : fields) {
                                if (!instance.has(field)) {
                                    return false;
                                }
                            }
                        }
                        return true;
                    };
                }
                case "dependentRequired" -> {
                    Map<String, String[]> dependencies = new HashMap<>();
                    value.fields().forEachRemaining(e -> dependencies.put(e.getKey(), strings(e.getValue())));
                    yield instance -> {
                        if (instance.isObject()) {
                            for (Map.Entry<String, String[]> dependency : dependencies.entrySet()) {
                                if (instance.has(dependency.getKey())) {
                                    for (String field : dependency.getValue()) {
                                        if (!instance.has(field)) {
                                            return false;
                                        }
                                    }
                                }
                            }
                        }
                        return true;
                    };
                }
                case "properties" -> properties(value, base);
                case "additionalProperties" -> additionalProperties(value, schema.path("properties"), base);
                case "maxProperties" -> {
                    int max = value.intValue();
                    yield instance -> !instance.isObject() || instance.size() <= max;
                }
                case "minLength" -> {
                    int min = value.intValue();
                    yield instance -> !instance.isTextual() || codePoints(instance.textValue()) >= min;
                }
                case "maxLength" -> {
                    int max = value.intValue();
                    // Code points, not chars; the char count is an upper bound, so most strings skip the count.
                    yield instance -> !instance.isTextual() || instance.textValue().length() <= max
                            || codePoints(instance.textValue()) <= max;
                }
                case "pattern" -> {
                    Pattern pattern = Pattern.compile(value.asText());
                    yield instance -> !instance.isTextual() || pattern.matcher(instance.textValue()).find();
                }
                case "format" -> format(value.asText(), base);
                case "minimum" -> {
                    BigDecimal min = value.decimalValue();
                    yield instance -> !instance.isNumber() || compare(instance, min) >= 0;
                }
                case "maximum" -> {
                    BigDecimal max = value.decimalValue();
                    yield instance -> !instance.isNumber() || compare(instance, max) <= 0;
                }
                case "minItems" -> {
                    int min = value.intValue();
                    yield instance -> !instance.isArray() || instance.size() >= min;
                }
                case "maxItems" -> {
                    int max = value.intValue();
                    yield instance -> !instance.isArray() || instance.size() <= max;
                }
                case "items" -> {
                    Check item = schema(value, base);
                    yield instance -> {
                        if (instance.isArray()) {
                            for (JsonNode element : instance) {
                                if (!item.test(element)) {
                                    return false;
                                }
                            }
                        }
                        return true;
                    };
                }
                default -> throw new IllegalArgumentException(
                        "keyword '" + name + "' in " + base + " is not supported by the compiled validator");
            };
        }

        /**
         * The full validator's own format check, behind a shortcut for the shapes trackers send: the shortcut only
         * ever says yes where the full check says yes too (tested), and asks the full check otherwise.
         */
        private static Check format(String name, URI base) {
            Format format = FORMATS.get(name);
            if (format == null) {
                throw new IllegalArgumentException("unsupported format '" + name + "' in " + base);
            }
            Predicate<String> full = text -> format.matches(null, text);
            Predicate<String> check = switch (name) {
                case "uuid" -> text -> isPlainUuid(text) || full.test(text);
                case "date-time" -> text -> Timestamps.isPlainRfc3339(text) || full.test(text);
                case "uri" -> new RecentlyValid(full); // a shop's pages repeat, so their URLs do
                default -> full;
            };
            return instance -> !instance.isTextual() || check.test(instance.textValue());
        }

        private Check properties(JsonNode properties, URI base) {
            Map<String, Check> checks = new HashMap<>();
            properties.fields().forEachRemaining(p -> checks.put(p.getKey(), schema(p.getValue(), base)));
            // Walks the instance's fields rather than the declared ones: events carry fewer than the schema names.
            return instance -> {
                if (instance.isObject()) {
                    Iterator<Map.Entry<String, JsonNode>> fields = instance.fields();
                    while (fields.hasNext()) {
                        Map.Entry<String, JsonNode> field = fields.next();
                        Check check = checks.get(field.getKey());
                        if (check != null && !check.test(field.getValue())) {
                            return false;
                        }
                    }
                }
                return true;
            };
        }

        private Check additionalProperties(JsonNode value, JsonNode properties, URI base) {
            if (value.isBoolean() && value.booleanValue()) {
                return instance -> true;
            }
            Set<String> declared = new HashSet<>();
            properties.fieldNames().forEachRemaining(declared::add);
            Check additional = schema(value, base);
            return instance -> {
                if (instance.isObject()) {
                    Iterator<Map.Entry<String, JsonNode>> fields = instance.fields();
                    while (fields.hasNext()) {
                        Map.Entry<String, JsonNode> field = fields.next();
                        if (!declared.contains(field.getKey()) && !additional.test(field.getValue())) {
                            return false;
                        }
                    }
                }
                return true;
            };
        }

        private static Check type(JsonNode value) {
            List<Check> any = new ArrayList<>();
            for (String type : value.isArray() ? strings(value) : new String[]{value.asText()}) {
                any.add(switch (type) {
                    case "object" -> JsonNode::isObject;
                    case "array" -> JsonNode::isArray;
                    case "string" -> JsonNode::isTextual;
                    case "boolean" -> JsonNode::isBoolean;
                    case "null" -> JsonNode::isNull;
                    case "number" -> JsonNode::isNumber;
                    // Since draft 6, 1.0 is an integer too.
                    case "integer" -> instance -> instance.isIntegralNumber()
                            || instance.isNumber() && instance.decimalValue().stripTrailingZeros().scale() <= 0;
                    default -> throw new IllegalArgumentException("unknown type '" + type + "'");
                });
            }
            return any.size() == 1 ? any.get(0) : instance -> {
                for (Check check : any) {
                    if (check.test(instance)) {
                        return true;
                    }
                }
                return false;
            };
        }

        private static JsonNode pointer(JsonNode document, String fragment, URI target) {
            JsonNode node = fragment == null || fragment.isEmpty() ? document : document.at(fragment);
            if (node.isMissingNode()) {
                throw new IllegalArgumentException("$ref target not found: " + target);
            }
            return node;
        }
    }

    private static Check all(List<Check> checks) {
        if (checks.isEmpty()) {
            return instance -> true;
        }
        if (checks.size() == 1) {
            return checks.get(0);
        }
        Check[] array = checks.toArray(Check[]::new);
        return instance -> {
            for (Check check : array) {
                if (!check.test(instance)) {
                    return false;
                }
            }
            return true;
        };
    }

    /** 8-4-4-4-12 hex digits: what the uuid format's pattern accepts, minus its corner cases. */
    static boolean isPlainUuid(String text) {
        if (text.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                return false;
            }
        }
        return true;
    }

    /** A check that remembers the strings it passed lately; bounded, forgotten wholesale when full. */
    private static final class RecentlyValid implements Predicate<String> {
        private static final int CAPACITY = 10_000;
        private final Set<String> passed = ConcurrentHashMap.newKeySet();
        private final Predicate<String> check;

        RecentlyValid(Predicate<String> check) {
            this.check = check;
        }

        @Override
        public boolean test(String text) {
            if (passed.contains(text)) {
                return true;
            }
            if (!check.test(text)) {
                return false;
            }
            if (passed.size() >= CAPACITY) {
                passed.clear();
            }
            if (text.length() <= 512) {
                passed.add(text);
            }
            return true;
        }
    }

    private static int compare(JsonNode number, BigDecimal bound) {
        if (number.isIntegralNumber() && number.canConvertToLong() || number.isDouble() || number.isFloat()) {
            double value = number.doubleValue();
            double limit = bound.doubleValue();
            if (value != limit && Double.isFinite(value)) {
                return Double.compare(value, limit);
            }
        }
        return number.decimalValue().compareTo(bound);
    }

    private static int codePoints(String text) {
        return text.codePointCount(0, text.length());
    }

    private static String[] strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values.toArray(String[]::new);
    }

    private static URI withoutFragment(URI uri) {
        String text = uri.toString();
        int hash = text.indexOf('#');
        return URI.create(hash < 0 ? text : text.substring(0, hash));
    }
}
