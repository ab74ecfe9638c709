package io.shoppulse.collector.rest;

import io.shoppulse.collector.model.EventImportMapping;
import io.shoppulse.collector.service.EventImport;
import io.shoppulse.common.imports.ImportReport;
import io.shoppulse.common.imports.MappingFile;
import io.shoppulse.common.security.CurrentTenant;
import io.shoppulse.common.security.Roles;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.logging.Logger;

import java.io.InputStream;

/**
 * Historical import of a shop's behaviour export (CSV, one row per event), streamed: the file is read as it arrives
 * and never held whole. The mapping file (YAML) comes base64-encoded in the {@value MappingFile#HEADER} header. The
 * only collector path that takes large bodies (common's {@code RequestBodyLimit}).
 */
@Path(ImportsResource.PATH)
public class ImportsResource {

    public static final String PATH = "/v1/imports/events";
    private static final Logger LOG = Logger.getLogger(ImportsResource.class);
    private final EventImport imports;
    private final CurrentTenant tenant;

    public ImportsResource(EventImport imports, CurrentTenant tenant) {
        this.imports = imports;
        this.tenant = tenant;
    }

    @POST
    @Consumes({"text/csv", MediaType.APPLICATION_OCTET_STREAM})
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Blocking
    public ImportReport.Summary importEvents(InputStream csv, @HeaderParam(MappingFile.HEADER) String mapping) {
        EventImportMapping parsed = MappingFile.fromHeader(mapping, EventImportMapping.class);
        ImportReport.Summary summary = imports.run(tenant.id(), csv, parsed);
        LOG.infof("Imported events for tenant %s: %d rows read, %d loaded, %d already present, %d skipped, %d bad,"
                + " %d rows/s", tenant.id(), summary.rowsRead(), summary.rowsLoaded(), summary.rowsAlreadyPresent(),
                summary.rowsSkipped(), summary.badRowCount(), summary.rowsPerS());
        return summary;
    }
}
