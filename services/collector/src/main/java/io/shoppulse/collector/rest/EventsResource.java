package io.shoppulse.collector.rest;

import io.shoppulse.collector.model.IngestResult;
import io.shoppulse.collector.model.SourceKey;
import io.shoppulse.collector.service.EventIngest;
import io.shoppulse.collector.service.WriteKeys;
import io.shoppulse.common.problem.ProblemException;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Event collection: public (storefront pages cannot hold a secret), authorised by the source's write key. */
@Path("/v1/events")
@PermitAll
public class EventsResource {

    public static final String WRITE_KEY_HEADER = "X-ShopPulse-Key";

    private final EventIngest ingest;
    private final WriteKeys writeKeys;

    public EventsResource(EventIngest ingest, WriteKeys writeKeys) {
        this.ingest = ingest;
        this.writeKeys = writeKeys;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    public Response collect(@HeaderParam(WRITE_KEY_HEADER) String headerKey,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body) {
        boolean ndjson = contentType != null && contentType.toLowerCase().startsWith("application/x-ndjson");
        EventIngest.Batch batch = ingest.parse(body == null ? new byte[0] : body, ndjson);
        String key = headerKey != null ? headerKey : batch.writeKey();
        if (key == null) {
            throw ProblemException.unauthorized("missing-write-key",
                    "Send the source's write key in the " + WRITE_KEY_HEADER + " header (or writeKey in the body).");
        }
        SourceKey source = writeKeys.resolve(key).orElseThrow(() -> ProblemException.unauthorized(
                "unknown-write-key", "The write key is not valid or has been revoked."));
        IngestResult result = ingest.ingest(source, batch);
        return Response.accepted(result).build();
    }
}
