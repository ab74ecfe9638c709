package io.shoppulse.orders.rest;

import io.shoppulse.common.problem.ProblemException;
import io.shoppulse.common.security.CurrentTenant;
import io.shoppulse.common.security.Roles;
import io.shoppulse.orders.model.Order;
import io.shoppulse.orders.model.OrderPage;
import io.shoppulse.orders.model.OrderStatus;
import io.shoppulse.orders.model.PlaceOrder;
import io.shoppulse.orders.model.RefundOrder;
import io.shoppulse.orders.model.Transition;
import io.shoppulse.orders.service.OrderService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Orders over REST: the same commands the storefront sends over RabbitMQ. Writes need admin or store-manager;
 * reads also analyst and viewer. {@code Idempotency-Key} makes a retried command a no-op, as a message id does.
 */
@Path("/v1/orders")
public class OrdersResource {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** Without {@code from}, every order: imported history goes back long before 1970. */
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Map<String, OrderStatus> STEPS = Map.of("payment", OrderStatus.PAID, "shipment",
            OrderStatus.SHIPPED, "delivery", OrderStatus.DELIVERED, "cancellation", OrderStatus.CANCELLED);
    private final OrderService orders;
    private final CurrentTenant tenant;

    public OrdersResource(OrderService orders, CurrentTenant tenant) {
        this.orders = orders;
        this.tenant = tenant;
    }

    @POST
    @RolesAllowed({Roles.ADMIN, Roles.STORE_MANAGER})
    public Response place(PlaceOrder command) {
        if (command == null) {
            throw ProblemException.badRequest("body", "an order is required");
        }
        OrderService.Placed placed = orders.place(tenant.id(), command, "live");
        return (placed.created()
                ? Response.created(UriBuilder.fromPath("/v1/orders/{id}").build(placed.order().orderId()))
                : Response.ok()).entity(placed.order()).build();
    }

    @GET
    @Path("{orderId}")
    @RolesAllowed({Roles.ADMIN, Roles.STORE_MANAGER, Roles.ANALYST, Roles.VIEWER})
    public Order get(@PathParam("orderId") String orderId) {
        return orders.get(tenant.id(), orderId);
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.STORE_MANAGER, Roles.ANALYST, Roles.VIEWER})
    public OrderPage list(@QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("status") String status, @QueryParam("cursor") String cursor,
            @QueryParam("limit") @DefaultValue("50") int limit) {
        if (limit < 1 || limit > 500) {
            throw ProblemException.badRequest("limit", "must be between 1 and 500");
        }
        OrderStatus wanted = null;
        if (status != null) {
            try {
                wanted = OrderStatus.of(status);
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("status", "must be one of placed, paid, shipped, delivered,"
                        + " cancelled, refunded");
            }
        }
        return orders.list(tenant.id(), instant("from", from, EARLIEST),
                instant("to", to, Instant.parse("9999-12-31T00:00:00Z")), wanted, cursor, limit);
    }

    /** Payment, shipment, delivery or cancellation: one step of the state machine, body {@code {at?, reason?}}. */
    @POST
    @Path("{orderId}/{step: payment|shipment|delivery|cancellation}")
    @RolesAllowed({Roles.ADMIN, Roles.STORE_MANAGER})
    public Order step(@PathParam("orderId") String orderId, @PathParam("step") String step, Transition details,
            @HeaderParam(IDEMPOTENCY_KEY) String key) {
        return orders.transition(tenant.id(), orderId, STEPS.get(step), details, key);
    }

    @POST
    @Path("{orderId}/refunds")
    @RolesAllowed({Roles.ADMIN, Roles.STORE_MANAGER})
    public Order refund(@PathParam("orderId") String orderId, RefundOrder refund,
            @HeaderParam(IDEMPOTENCY_KEY) String key) {
        if (refund == null) {
            throw ProblemException.badRequest("body", "a refund is required");
        }
        return orders.refund(tenant.id(), orderId, refund, key);
    }

    private static Instant instant(String field, String value, Instant fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest(field, "must be an ISO 8601 instant such as 2026-11-01T00:00:00Z");
        }
    }
}
