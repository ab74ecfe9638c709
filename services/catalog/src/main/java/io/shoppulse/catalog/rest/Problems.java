package io.shoppulse.catalog.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.quarkus.security.ForbiddenException;
import io.shoppulse.common.logging.CorrelationId;
import io.shoppulse.common.problem.FieldError;
import io.shoppulse.common.problem.Problem;
import io.shoppulse.common.problem.ProblemException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every error of this service as {@code application/problem+json} (RFC 9457), as common's mappers do for JAX-RS:
 * the routes' exceptions through {@link #answer}, and Quarkus' own 403 for a role a path does not allow (it is
 * refused before any route runs) through a failure handler on the HTTP router. No stack trace leaks.
 */
@ApplicationScoped
public class Problems {

    private static final Logger LOG = Logger.getLogger(Problems.class);
    private final Http http;

    public Problems(Http http) {
        this.http = http;
    }

    /** The problem for the exception that ended a route. */
    void answer(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ProblemException problem = toProblem(e);
        Map<String, String> headers = problem.status() == 401 ? Map.of("WWW-Authenticate", "Bearer") : Map.of();
        String path = exchange.getProperty(Http.PATH, String.class);
        String id = exchange.getProperty(CorrelationId.MDC_KEY, String.class);
        http.respond(exchange, problem.status(), Problem.MEDIA_TYPE, new Problem(Problem.type(problem.slug()),
                problem.title(), problem.status(), problem.getMessage(), path, id, problem.errors()), headers);
    }

    private static ProblemException toProblem(Throwable e) {
        if (e instanceof ProblemException p) {
            return p;
        }
        if (e instanceof Http.BadJson bad) {
            return badJson(bad.json());
        }
        LOG.error("Unexpected error", e);
        return new ProblemException(500, "internal-error", "Internal error",
                "The request failed on our side; quote the correlation id when reporting it.", List.of(), null);
    }

    private static ProblemException badJson(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return ProblemException.badRequest("The body has a field this resource does not have.",
                    List.of(new FieldError(path(u), "is not a field of this resource")));
        }
        if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            return ProblemException.badRequest("A field of the body has the wrong type.",
                    List.of(new FieldError(path(m), "must be " + expected(m.getTargetType()))));
        }
        return new ProblemException(400, "malformed-json", "Malformed JSON",
                "The request body is not valid JSON: " + e.getOriginalMessage(),
                List.of(new FieldError("body", "is not valid JSON here: " + e.getOriginalMessage())), null);
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == BigInteger.class) {
            return "a whole number";
        }
        if (type == BigDecimal.class || Number.class.isAssignableFrom(type)) {
            return "a number";
        }
        if (type == String.class) {
            return "a string";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }

    /** The offending field as a path: {@code images[2]}, {@code attributes.size}. */
    private static String path(JsonMappingException e) {
        if (e.getPath().isEmpty()) {
            return "body";
        }
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    /** Quarkus refuses a role before the route runs, with an empty 403; this answers the same 403 as a problem. */
    void forbiddenAsProblem(@Observes Router router) {
        router.route("/v1/*").failureHandler(this::forbidden);
    }

    private void forbidden(RoutingContext ctx) {
        if (!(ctx.failure() instanceof ForbiddenException) && ctx.statusCode() != 403) {
            ctx.next();
            return;
        }
        if (ctx.response().ended()) {
            return;
        }
        String id = CorrelationId.accept(ctx.request().getHeader(CorrelationId.HEADER));
        Problem problem = new Problem(Problem.type("forbidden"), "Forbidden", 403,
                "Your roles do not allow this operation.", ctx.request().path(), id, List.of());
        try {
            ctx.response().setStatusCode(403).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .putHeader(CorrelationId.HEADER, id).end(http.mapper().writeValueAsString(problem));
        } catch (JsonProcessingException e) {
            ctx.next();
        }
    }
}
