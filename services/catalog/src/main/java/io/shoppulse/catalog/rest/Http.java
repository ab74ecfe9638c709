package io.shoppulse.catalog.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.shoppulse.common.logging.CorrelationId;
import io.shoppulse.common.problem.ProblemException;
import io.shoppulse.common.security.CurrentTenant;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConstants;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.MDC;

import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The HTTP side of a Camel exchange on platform-http: who is calling (the identity Quarkus verified before the
 * route ran), the request's JSON body read with Quarkus' ObjectMapper (snake_case, unknown fields refused), and the
 * response written with only the headers this service means to send.
 */
@ApplicationScoped
public class Http {

    static final String JSON = "application/json";
    static final String PATH = "shoppulse.path";
    private final ObjectMapper json;

    public Http(ObjectMapper json) {
        this.json = json;
    }

    /** First step of every route: the correlation id (kept from the caller when safe) and the request path. */
    void begin(Exchange exchange) {
        Message in = exchange.getMessage();
        String id = CorrelationId.accept(in.getHeader(CorrelationId.HEADER, String.class));
        exchange.setProperty(CorrelationId.MDC_KEY, id);
        String uri = in.getHeader(Exchange.HTTP_URI, String.class);
        exchange.setProperty(PATH, uri == null ? null : uri.split("\\?", 2)[0]);
        MDC.put(CorrelationId.MDC_KEY, id);
    }

    /**
     * The caller's tenant, from the {@code tenant_id} claim of the bearer token that Quarkus OIDC verified for this
     * request. platform-http hands the request's Vert.x user over in a header; anything else in that header (a
     * client can only ever put text there) is refused.
     */
    UUID tenant(Exchange exchange) {
        Object user = exchange.getMessage().getHeader(VertxPlatformHttpConstants.AUTHENTICATED_USER);
        if (!(user instanceof QuarkusHttpUser quarkusUser)) {
            throw ProblemException.unauthorized("unauthenticated", "A valid bearer token is required.");
        }
        SecurityIdentity identity = quarkusUser.getSecurityIdentity();
        if (identity == null || identity.isAnonymous()
                || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            throw ProblemException.unauthorized("unauthenticated", "A valid bearer token is required.");
        }
        Object claim = token.getClaim(CurrentTenant.CLAIM);
        if (claim == null) {
            throw ProblemException.forbidden("The token carries no " + CurrentTenant.CLAIM + " claim.");
        }
        try {
            return UUID.fromString(claim.toString().replace("\"", ""));
        } catch (IllegalArgumentException e) {
            throw ProblemException.forbidden("The token's " + CurrentTenant.CLAIM + " claim is not a UUID.");
        }
    }

    /** A path or query parameter (platform-http puts both in headers). */
    static String param(Exchange exchange, String name) {
        return exchange.getMessage().getHeader(name, String.class);
    }

    static String header(Exchange exchange, String name) {
        return exchange.getMessage().getHeader(name, String.class);
    }

    /** The JSON body as {@code type}; a missing body, another media type or a bad field is a 400 or 415 problem. */
    <T> T body(Exchange exchange, Class<T> type) {
        return body(exchange, json.constructType(type));
    }

    <T> T body(Exchange exchange, JavaType type) {
        String contentType = header(exchange, Exchange.CONTENT_TYPE);
        if (contentType != null && !isJson(contentType)) {
            throw new ProblemException(415, "unsupported-media-type", "Unsupported media type",
                    "Send the body as application/json.", java.util.List.of(), null);
        }
        byte[] bytes = exchange.getMessage().getBody(byte[].class);
        if (bytes == null || bytes.length == 0) {
            throw ProblemException.badRequest("body", "a JSON body is required");
        }
        try {
            return json.readValue(bytes, type);
        } catch (JsonProcessingException e) {
            throw new BadJson(e);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    ObjectMapper mapper() {
        return json;
    }

    private static boolean isJson(String contentType) {
        String media = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return media.equals(JSON) || (media.startsWith("application/") && media.endsWith("+json"));
    }

    /** Writes the response: status, JSON body and exactly the given headers (request headers are not echoed). */
    void respond(Exchange exchange, int status, Object entity, Map<String, String> headers) {
        respond(exchange, status, JSON, entity, headers);
    }

    void respond(Exchange exchange, int status, String mediaType, Object entity, Map<String, String> headers) {
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader(Exchange.CONTENT_TYPE, mediaType);
        headers.forEach(out::setHeader);
        Object id = exchange.getProperty(CorrelationId.MDC_KEY);
        if (id != null) {
            out.setHeader(CorrelationId.HEADER, id);
        }
        try {
            out.setBody(json.writeValueAsBytes(entity));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        MDC.remove(CorrelationId.MDC_KEY);
    }

    /** A body that is not JSON or does not fit the resource; the problem names the field. */
    static final class BadJson extends RuntimeException {
        BadJson(JsonProcessingException cause) {
            super(cause.getOriginalMessage(), cause);
        }

        JsonProcessingException json() {
            return (JsonProcessingException) getCause();
        }
    }
}
