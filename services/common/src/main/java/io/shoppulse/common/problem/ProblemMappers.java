package io.shoppulse.common.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.shoppulse.common.logging.CorrelationId;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;
import java.util.stream.Collectors;

/** Turns every error a service can raise into {@code application/problem+json}; nothing leaks a stack trace. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        Response.ResponseBuilder response = build(e.status(), e.slug(), e.title(), e.getMessage(), uri, e.errors());
        e.retryAfter().ifPresent(d -> response.header(HttpHeaders.RETRY_AFTER, Math.max(1, d.toSeconds())));
        return response.build();
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e, UriInfo uri) {
        String field = e instanceof JsonMappingException m ? path(m) : "body";
        String reason = e.getOriginalMessage();
        return build(400, "malformed-json", "Malformed JSON", "The request body is not valid JSON: " + reason, uri,
                List.of(new FieldError(field, reason))).build();
    }

    /** Quarkus REST's own mapper for this subtype answers an empty 400; an unknown or mistyped field is named. */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        return malformedJson(e, uri);
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, UriInfo uri) {
        return unauthenticated(uri);
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, UriInfo uri) {
        return unauthenticated(uri);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return build(403, "forbidden", "Forbidden", "Your roles do not allow this operation.", uri, List.of())
                .build();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known != null ? known.getReasonPhrase() : "HTTP " + status;
        if (status >= 500) {
            LOG.error("Request failed", e);
        }
        return build(status, "http-" + status, title, e.getMessage(), uri, List.of()).build();
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e, UriInfo uri) {
        LOG.error("Unexpected error", e);
        return build(500, "internal-error", "Internal error",
                "The request failed on our side; quote the correlation id when reporting it.", uri, List.of())
                .build();
    }

    private static Response unauthenticated(UriInfo uri) {
        return build(401, "unauthenticated", "Unauthorized", "A valid bearer token is required.", uri, List.of())
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    private static Response.ResponseBuilder build(int status, String slug, String title, String detail, UriInfo uri,
            List<FieldError> errors) {
        Problem problem = new Problem(Problem.type(slug), title, status, detail, uri.getPath(), CorrelationId.current(),
                errors);
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(problem);
    }

    private static String path(JsonMappingException e) {
        if (e.getPath().isEmpty()) {
            return "body";
        }
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }
}
