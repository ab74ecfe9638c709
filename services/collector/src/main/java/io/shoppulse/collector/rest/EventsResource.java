package io.shoppulse.collector.rest;

import io.shoppulse.collector.model.IngestResult;
import io.shoppulse.collector.model.SourceKey;
import io.shoppulse.collector.service.ClientContext;
import io.shoppulse.collector.service.EventIngest;
import io.shoppulse.collector.service.SourceAccess;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Event collection: public (storefront pages cannot hold a secret), authorised by the source's write key. */
@Path("/v1/events")
@PermitAll
public class EventsResource {

    public static final String WRITE_KEY_HEADER = SourceAccess.WRITE_KEY_HEADER;

    private final EventIngest ingest;
    private final SourceAccess access;
    private final ClientContext clients;

    public EventsResource(EventIngest ingest, SourceAccess access, ClientContext clients) {
        this.ingest = ingest;
        this.access = access;
        this.clients = clients;
    }

    /**
     * Runs on the event loop: parsing, validation and enrichment are short CPU work that never waits, and Kafka's
     * acknowledgement is awaited asynchronously, so a few I/O threads serve every connection (a worker-thread pool
     * only added hand-offs and contention on the producer here). A key in the header is checked before the body is
     * parsed, so refused requests (unknown key, origin, rate limit) cost no parsing; a beacon body carries its key.
     */
    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> collect(@HeaderParam(WRITE_KEY_HEADER) String headerKey,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, @HeaderParam("Origin") String origin,
            @HeaderParam(HttpHeaders.USER_AGENT) String userAgent, @Context HttpServerRequest request, byte[] body) {
        boolean ndjson = contentType != null && contentType.toLowerCase().startsWith("application/x-ndjson");
        byte[] bytes = body == null ? new byte[0] : body;
        String ip = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        Uni<IngestResult> result;
        if (headerKey != null) {
            result = access.authorise(headerKey, origin)
                    .chain(source -> ingest(source, ingest.parse(bytes, ndjson), ip, userAgent));
        } else {
            EventIngest.Batch batch = ingest.parse(bytes, ndjson);
            result = access.authorise(batch.writeKey(), origin).chain(source -> ingest(source, batch, ip, userAgent));
        }
        // Kafka acknowledges on its network thread: the response is written back on this request's own thread.
        io.vertx.core.Context context = Vertx.currentContext();
        return (context == null ? result : result.emitOn(task -> context.runOnContext(ignored -> task.run())))
                .map(accepted -> cors(Response.accepted(accepted), origin).build());
    }

    private Uni<IngestResult> ingest(SourceKey source, EventIngest.Batch batch, String ip, String userAgent) {
        return Uni.createFrom().completionStage(ingest.ingest(source, batch, clients.describe(ip, userAgent)));
    }

    /** CORS preflight: the key is not sent with it, so the origin is checked on the request itself. */
    @OPTIONS
    public Response preflight(@HeaderParam("Origin") String origin) {
        return Response.noContent().header("Access-Control-Allow-Origin", origin == null ? "*" : origin)
                .header("Access-Control-Allow-Methods", "POST, OPTIONS")
                .header("Access-Control-Allow-Headers", "Content-Type, " + WRITE_KEY_HEADER + ", X-Correlation-Id")
                .header("Access-Control-Max-Age", "86400").header("Vary", "Origin").build();
    }

    static Response.ResponseBuilder cors(Response.ResponseBuilder response, String origin) {
        return origin == null
                ? response
                : response.header("Access-Control-Allow-Origin", origin).header("Vary", "Origin");
    }
}
