package io.shoppulse.analytics.rest;

import io.shoppulse.analytics.config.AnalyticsConfig;
import io.shoppulse.analytics.model.AlertPage;
import io.shoppulse.analytics.model.Funnel;
import io.shoppulse.analytics.model.Grain;
import io.shoppulse.analytics.model.KpiReport;
import io.shoppulse.analytics.model.ProductReport;
import io.shoppulse.analytics.model.Trending;
import io.shoppulse.analytics.service.AnalyticsService;
import io.shoppulse.analytics.service.Params;
import io.shoppulse.common.security.CurrentTenant;
import io.shoppulse.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;

/**
 * The rollups Spark keeps, read for the signed-in user's tenant. Parameters are checked together: a 400 names each
 * bad one. Limits are query parameters as strings so that a non-number is named too.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.ANALYST, Roles.MARKETER, Roles.STORE_MANAGER, Roles.VIEWER})
public class AnalyticsResource {

    private static final Set<String> SORTS = Set.of("views", "add_to_carts", "purchases", "revenue");

    private final AnalyticsService analytics;
    private final CurrentTenant tenant;
    private final AnalyticsConfig.Query limits;

    public AnalyticsResource(AnalyticsService analytics, CurrentTenant tenant, AnalyticsConfig config) {
        this.analytics = analytics;
        this.tenant = tenant;
        this.limits = config.query();
    }

    @GET
    @Path("kpis")
    public KpiReport kpis(@QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("grain") String grain, @QueryParam("channel") String channel,
            @QueryParam("device") String device) {
        Params p = new Params();
        Grain g = p.grain(grain);
        Instant start = p.instant("from", from, true, null);
        Instant end = p.instant("to", to, true, null);
        Params.Range range = g == null ? null : p.range(start, end, maxRange(g));
        String ch = p.text("channel", channel, 200);
        String dev = p.text("device", device, 50);
        p.check();
        return analytics.kpis(tenant.id(), range, g, ch, dev);
    }

    @GET
    @Path("products")
    public ProductReport products(@QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("sort") String sort, @QueryParam("currency") String currency,
            @QueryParam("limit") String limit) {
        Params p = new Params();
        Params.Range range = hours(p, from, to);
        String s = p.oneOf("sort", sort, SORTS, "views");
        String cur = p.currency(currency, "revenue".equals(s));
        int n = limit(p, limit);
        p.check();
        return analytics.products(tenant.id(), range, s, cur, n);
    }

    @GET
    @Path("funnel")
    public Funnel funnel(@QueryParam("from") String from, @QueryParam("to") String to) {
        Params p = new Params();
        Params.Range range = hours(p, from, to);
        p.check();
        return analytics.funnel(tenant.id(), range);
    }

    @GET
    @Path("trending")
    public Trending trending(@QueryParam("hour") String hour, @QueryParam("limit") String limit) {
        Params p = new Params();
        Instant h = p.instant("hour", hour, false, Instant.now().truncatedTo(ChronoUnit.HOURS));
        int n = limit(p, limit);
        p.check();
        return analytics.trending(tenant.id(), h, n);
    }

    @GET
    @Path("alerts")
    public AlertPage alerts(@QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("kind") String kind, @QueryParam("limit") String limit) {
        Params p = new Params();
        Instant end = p.instant("to", to, false, Instant.now());
        Instant start = p.instant("from", from, false, end == null ? null : end.minus(Duration.ofDays(7)));
        Params.Range range = p.range(start, end, limits.maxDayRange());
        String k = p.text("kind", kind, 100);
        int n = limit(p, limit);
        p.check();
        return analytics.alerts(tenant.id(), range, k, n);
    }

    private Params.Range hours(Params p, String from, String to) {
        Instant start = p.instant("from", from, true, null);
        Instant end = p.instant("to", to, true, null);
        return p.range(start, end, limits.maxHourRange());
    }

    private int limit(Params p, String value) {
        if (value == null || value.isBlank()) {
            return limits.defaultLimit();
        }
        try {
            return p.limit(Integer.valueOf(value), limits.defaultLimit(), limits.maxLimit());
        } catch (NumberFormatException e) {
            return p.limit(-1, limits.defaultLimit(), limits.maxLimit());
        }
    }

    private Duration maxRange(Grain grain) {
        return switch (grain) {
            case MINUTE -> limits.maxMinuteRange();
            case HOUR -> limits.maxHourRange();
            case DAY -> limits.maxDayRange();
        };
    }
}
