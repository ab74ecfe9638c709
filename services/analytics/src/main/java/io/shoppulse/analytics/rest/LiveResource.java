package io.shoppulse.analytics.rest;

import io.shoppulse.analytics.config.AnalyticsConfig;
import io.shoppulse.analytics.live.LiveLane;
import io.shoppulse.analytics.model.LiveView;
import io.shoppulse.common.security.CurrentTenant;
import io.shoppulse.common.security.Roles;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.time.Duration;
import java.util.UUID;

/** The live view of the signed-in user's tenant: once, or pushed as Server-Sent Events. */
@Path("/v1/live")
@RolesAllowed({Roles.ADMIN, Roles.ANALYST, Roles.MARKETER, Roles.STORE_MANAGER, Roles.VIEWER})
public class LiveResource {

    private final LiveLane lane;
    private final CurrentTenant tenant;
    private final Duration interval;

    public LiveResource(LiveLane lane, CurrentTenant tenant, AnalyticsConfig config) {
        this.lane = lane;
        this.tenant = tenant;
        this.interval = config.live().streamInterval();
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public LiveView live() {
        return lane.view(tenant.id());
    }

    /** The same view every {@code shoppulse.analytics.live.stream-interval}, the first at once. */
    @GET
    @Path("stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<LiveView> stream() {
        UUID id = tenant.id(); // read while the request (and its token) is current
        return Multi.createFrom().ticks().startingAfter(Duration.ofMillis(1)).every(interval).onOverflow().drop()
                .map(tick -> lane.view(id));
    }
}
