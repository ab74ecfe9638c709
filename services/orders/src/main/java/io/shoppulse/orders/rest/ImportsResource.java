package io.shoppulse.orders.rest;

import io.shoppulse.common.imports.ImportReport;
import io.shoppulse.common.imports.MappingFile;
import io.shoppulse.common.security.CurrentTenant;
import io.shoppulse.common.security.Roles;
import io.shoppulse.orders.model.OrderImportMapping;
import io.shoppulse.orders.service.OrderImport;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import org.jboss.logging.Logger;

import java.io.InputStream;

/**
 * Historical import of a shop's order export (CSV, one row per line), streamed: the file is read as it arrives and
 * never held whole. The mapping file (YAML) comes base64-encoded in the {@value MappingFile#HEADER} header.
 * {@code ./shoppulse import orders FILE --mapping MAP} is the client.
 */
@Path("/v1/imports/orders")
public class ImportsResource {

    private static final Logger LOG = Logger.getLogger(ImportsResource.class);
    private final OrderImport imports;
    private final CurrentTenant tenant;

    public ImportsResource(OrderImport imports, CurrentTenant tenant) {
        this.imports = imports;
        this.tenant = tenant;
    }

    @POST
    @Consumes({"text/csv", "application/octet-stream"})
    @RolesAllowed({Roles.ADMIN})
    public ImportReport.Summary importOrders(InputStream csv, @HeaderParam(MappingFile.HEADER) String mapping) {
        OrderImportMapping parsed = MappingFile.fromHeader(mapping, OrderImportMapping.class);
        ImportReport.Summary summary = imports.run(tenant.id(), csv, parsed);
        LOG.infof("Imported orders for tenant %s: %d rows read, %d loaded, %d already present, %d skipped, %d bad,"
                + " %d rows/s", tenant.id(), summary.rowsRead(), summary.rowsLoaded(), summary.rowsAlreadyPresent(),
                summary.rowsSkipped(), summary.badRowCount(), summary.rowsPerS());
        return summary;
    }
}
