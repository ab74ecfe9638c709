package io.shoppulse.common.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.vertx.http.runtime.VertxHttpRecorder;
import io.shoppulse.common.problem.FieldError;
import io.shoppulse.common.problem.Problem;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;

/**
 * Body limits per path, in every service. {@code quarkus.http.limits.max-body-size} is one limit for the whole
 * server and must be large where historical imports stream whole exports ({@code /v1/imports/...}); every other path
 * keeps {@code shoppulse.http.max-body-bytes} (default 10 MiB, Quarkus' own default; the collector 2 MiB), so a large
 * body to an ordinary endpoint is refused before it is buffered: one with a larger Content-Length at once (413
 * problem), a chunked one once it has sent that many bytes (Quarkus' own 413). Runs right after Quarkus' own limit
 * handler, whose per-request limit it replaces.
 */
@ApplicationScoped
public class RequestBodyLimit {

    static final String LARGE_BODIES = "/v1/imports/";

    void install(@Observes Router router, ObjectMapper json,
            @ConfigProperty(name = "shoppulse.http.max-body-bytes", defaultValue = "10485760") long limit) {
        String reason = "must be at most " + limit + " bytes";
        byte[] problem;
        try {
            problem = json.writeValueAsBytes(new Problem(Problem.type("payload-too-large"), "Payload too large", 413,
                    reason, null, null, List.of(new FieldError("body", reason))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Buffer body = Buffer.buffer(problem);
        router.route().order(-1).handler(rc -> limit(rc, limit, body));
    }

    private static void limit(RoutingContext rc, long limit, Buffer problem) {
        if (!rc.normalizedPath().startsWith(LARGE_BODIES)) {
            if (contentLength(rc) > limit) {
                // The body is never read: answer, then close the connection (as Quarkus' own limit does).
                rc.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                        .putHeader(HttpHeaders.CONNECTION, "close")
                        .endHandler(done -> rc.request().connection().close()).end(problem.copy());
                return;
            }
            rc.put(VertxHttpRecorder.MAX_REQUEST_SIZE_KEY, limit);
        }
        rc.next();
    }

    private static long contentLength(RoutingContext rc) {
        String header = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1; // Vert.x itself refuses a malformed length
        }
    }
}
