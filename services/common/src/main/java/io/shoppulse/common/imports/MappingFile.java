package io.shoppulse.common.imports;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Collectors;

/**
 * Reads an import's mapping file (YAML, snake_case keys). A misspelt or mistyped key is refused, naming it: a
 * mapping that silently ignored "unit_prise" would import every price as missing.
 */
public final class MappingFile {

    /** The HTTP header that carries the mapping file, base64-encoded, beside the CSV body. */
    public static final String HEADER = "ShopPulse-Import-Mapping";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).registerModule(new JavaTimeModule());

    private MappingFile() {
    }

    /** The mapping from the base64 text of the {@link #HEADER} header. */
    public static <T> T fromHeader(String base64, Class<T> type) {
        if (base64 == null || base64.isBlank()) {
            throw new ImportException(HEADER, "is required: the mapping file (YAML), base64-encoded");
        }
        String yaml;
        try {
            yaml = new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ImportException(HEADER, "is not base64");
        }
        return read(yaml, type);
    }

    public static <T> T read(String yaml, Class<T> type) {
        try {
            T mapping = YAML.readValue(yaml, type);
            if (mapping == null) {
                throw new ImportException("mapping", "is empty");
            }
            return mapping;
        } catch (JsonMappingException e) {
            String path = e.getPath().stream().map(r -> r.getFieldName() != null
                    ? r.getFieldName()
                    : String.valueOf(r.getIndex())).collect(Collectors.joining("."));
            throw new ImportException("mapping." + (path.isEmpty() ? "file" : path), e.getOriginalMessage());
        } catch (IOException e) {
            throw new ImportException("mapping", "is not YAML: " + e.getMessage());
        }
    }
}
