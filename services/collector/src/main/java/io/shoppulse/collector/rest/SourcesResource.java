package io.shoppulse.collector.rest;

import io.shoppulse.collector.model.IssuedKey;
import io.shoppulse.collector.model.NewSource;
import io.shoppulse.collector.model.Source;
import io.shoppulse.collector.service.SourceService;
import io.shoppulse.common.security.CurrentTenant;
import io.shoppulse.common.security.Roles;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.util.List;
import java.util.UUID;

/** A tenant's event sources and their write keys, for the tenant's admins and store managers. */
@Path("/v1/sources")
@RolesAllowed({Roles.ADMIN, Roles.STORE_MANAGER})
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class SourcesResource {

    private final SourceService sources;
    private final CurrentTenant tenant;

    public SourcesResource(SourceService sources, CurrentTenant tenant) {
        this.sources = sources;
        this.tenant = tenant;
    }

    @GET
    public List<Source> list() {
        return sources.list(tenant.id());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(NewSource request, UriInfo uri) {
        IssuedKey issued = sources.create(tenant.id(), request, tenant.subject());
        return Response.created(uri.getAbsolutePathBuilder().path(issued.source().sourceId().toString()).build())
                .entity(issued).build();
    }

    @POST
    @Path("/{sourceId}/rotate-key")
    public IssuedKey rotateKey(@PathParam("sourceId") UUID sourceId) {
        return sources.rotate(tenant.id(), sourceId);
    }

    @DELETE
    @Path("/{sourceId}")
    public Response revoke(@PathParam("sourceId") UUID sourceId) {
        sources.revoke(tenant.id(), sourceId);
        return Response.noContent().build();
    }
}
