package io.shoppulse.common.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * An RFC 9457 problem document. {@code errors} names each offending field and why, so a client can fix its request
 * without reading logs; {@code correlation_id} lets support find the request in the JSON logs.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance,
        @JsonProperty("correlation_id") String correlationId, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://shoppulse.io/problems/";

    public static String type(String slug) {
        return TYPE_BASE + slug;
    }
}
