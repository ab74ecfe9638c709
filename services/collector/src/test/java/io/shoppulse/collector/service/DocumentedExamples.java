package io.shoppulse.collector.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The example events of docs/events.md, by the heading above each: the documentation is tested, not copied. */
final class DocumentedExamples {

    private static final Pattern EXAMPLE = Pattern.compile("### (\\S+)\\n.*?```json\\n(.*?)```", Pattern.DOTALL);

    private DocumentedExamples() {
    }

    static Map<String, ObjectNode> load() {
        ObjectMapper json = new ObjectMapper();
        Map<String, ObjectNode> examples = new LinkedHashMap<>();
        try {
            Matcher m = EXAMPLE.matcher(Files.readString(Path.of("../../docs/events.md")));
            while (m.find()) {
                examples.put(m.group(1), (ObjectNode) json.readTree(m.group(2)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return examples;
    }
}
