package io.shoppulse.collector.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shoppulse.collector.model.SourceKey;
import io.shoppulse.collector.service.ClientContext;
import io.shoppulse.collector.service.EventIngest;
import io.shoppulse.collector.service.SourceAccess;
import io.shoppulse.common.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * The no-JavaScript pixel: {@code <img src=".../v1/p.gif?writeKey=...&url=...">}. Without script there are no
 * stored ids, so the visitor is identified for one UTC day only, by a hash of the day, the source, the truncated IP
 * and the user agent (no cookie, nothing reversible to a person).
 */
@Path("/v1/p.gif")
@PermitAll
public class PixelResource {

    /** A 1x1 transparent GIF. */
    static final byte[] GIF = Base64.getDecoder().decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    private final SourceAccess access;
    private final EventIngest ingest;
    private final ClientContext clients;
    private final ObjectMapper json;

    public PixelResource(SourceAccess access, EventIngest ingest, ClientContext clients, ObjectMapper json) {
        this.access = access;
        this.ingest = ingest;
        this.clients = clients;
        this.json = json;
    }

    @GET
    @Produces("image/gif")
    public Uni<Response> pixel(@QueryParam("writeKey") String writeKey,
            @QueryParam("type") @DefaultValue("page_view") String type,
            @QueryParam("url") String url, @QueryParam("title") String title, @QueryParam("referrer") String referrer,
            @QueryParam("event_id") String eventId, @HeaderParam(HttpHeaders.USER_AGENT) String userAgent,
            @HeaderParam("Referer") String refererHeader, @Context HttpServerRequest request) {
        String ip = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        ObjectNode context = clients.describe(ip, userAgent);
        return access.authorise(writeKey, null).chain(source -> {
            ObjectNode event = event(type, url != null ? url : refererHeader, title, referrer, eventId,
                    dailyVisitor(source, context.path("ip").asText(null), userAgent));
            return Uni.createFrom().completionStage(ingest.ingest(source,
                    new EventIngest.Batch(null, List.of(EventIngest.Event.of(event))), context));
        }).map(result -> {
            if (!result.rejected().isEmpty()) {
                throw ProblemException.badRequest("The pixel's event is not valid.",
                        result.rejected().get(0).errors());
            }
            return Response.ok(GIF).header(HttpHeaders.CACHE_CONTROL, "no-store, max-age=0").build();
        });
    }

    private ObjectNode event(String type, String pageUrl, String title, String referrer,
            String eventId, String visitor) {
        ObjectNode event = json.createObjectNode();
        event.put("event_id", eventId != null ? eventId : UUID.randomUUID().toString());
        event.put("type", type);
        event.put("timestamp", Instant.now().toString());
        event.put("anonymous_id", visitor);
        event.put("session_id", visitor);
        if (pageUrl != null) {
            ObjectNode page = event.putObject("page");
            page.put("url", pageUrl);
            if (title != null) {
                page.put("title", title);
            }
            if (referrer != null) {
                page.put("referrer", referrer);
            }
        }
        return event;
    }

    static String dailyVisitor(SourceKey source, String truncatedIp, String userAgent) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String material = LocalDate.now(ZoneOffset.UTC) + "|" + source.sourceId() + "|" + truncatedIp + "|"
                    + userAgent;
            return "px-" + HexFormat.of().formatHex(sha.digest(material.getBytes(StandardCharsets.UTF_8)), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
