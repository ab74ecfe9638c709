package io.shoppulse.orders.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shoppulse.common.problem.ProblemException;
import io.shoppulse.orders.model.OrderStatus;
import io.shoppulse.orders.model.PlaceOrder;
import io.shoppulse.orders.model.Transition;
import io.shoppulse.orders.service.OrderService;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.Exchange;
import org.apache.camel.component.springrabbit.SpringRabbitMQConstants;

import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Applies one storefront command from RabbitMQ with the same service calls, validation and idempotency as REST:
 * the order id, the refund id and the AMQP message id make a redelivered message change nothing. It returns only
 * after the database commit; the route acknowledges the message after that.
 */
@ApplicationScoped
public class OrderCommands {

    /** The AMQP header naming the tenant whose shop sent the command. */
    public static final String TENANT_HEADER = "x-shoppulse-tenant";
    /** The command's original routing key, kept when a retry puts it back on the queue through the default exchange. */
    public static final String ROUTING_KEY_HEADER = "x-shoppulse-routing-key";
    /** How often the command was found not applicable yet. */
    public static final String ATTEMPT_HEADER = "x-shoppulse-attempt";
    private static final Map<String, OrderStatus> STEPS = Map.of("order.paid", OrderStatus.PAID, "order.shipped",
            OrderStatus.SHIPPED, "order.delivered", OrderStatus.DELIVERED, "order.cancelled", OrderStatus.CANCELLED);

    private final OrderService orders;
    private final ObjectMapper json;

    public OrderCommands(OrderService orders, ObjectMapper json) {
        this.orders = orders;
        this.json = json;
    }

    /** A command that can never apply: retrying cannot help, it goes to the dead-letter queue at once. */
    public static final class Rejected extends RuntimeException {
        Rejected(String reason) {
            super(reason);
        }
    }

    /** A command whose order is not there or not ready yet: it may have overtaken an earlier one, so retry it. */
    public static final class NotYetApplicable extends RuntimeException {
        NotYetApplicable(String reason) {
            super(reason);
        }
    }

    public void apply(Exchange exchange) {
        String routingKey = exchange.getIn().getHeader(ROUTING_KEY_HEADER,
                exchange.getIn().getHeader(SpringRabbitMQConstants.ROUTING_KEY, String.class), String.class);
        UUID tenant = tenant(exchange.getIn().getHeader(TENANT_HEADER, String.class));
        String messageId = exchange.getIn().getHeader(SpringRabbitMQConstants.MESSAGE_ID, String.class);
        byte[] body = exchange.getIn().getBody(byte[].class);
        try {
            if ("order.placed".equals(routingKey)) {
                orders.place(tenant, read(body, PlaceOrder.class), "live");
            } else if (STEPS.containsKey(routingKey)) {
                StepMessage step = read(body, StepMessage.class);
                orders.transition(tenant, required(step.orderId()), STEPS.get(routingKey),
                        new Transition(step.at(), step.reason()), messageId);
            } else if ("order.refunded".equals(routingKey)) {
                RefundMessage refund = read(body, RefundMessage.class);
                orders.refund(tenant, required(refund.orderId()), refund.command(), messageId);
            } else {
                throw new Rejected("unknown routing key " + routingKey + ": expected order.placed, order.paid,"
                        + " order.shipped, order.delivered, order.cancelled or order.refunded");
            }
        } catch (ProblemException e) {
            String reason = e.status() + " " + e.title() + ": " + e.getMessage() + describe(e);
            boolean mayBeEarly = e.status() == 404 || e.status() == 409 && !"order.placed".equals(routingKey);
            throw mayBeEarly ? new NotYetApplicable(reason) : new Rejected(reason);
        }
    }

    private <T> T read(byte[] body, Class<T> type) {
        if (body == null || body.length == 0) {
            throw new Rejected("the message has no body");
        }
        try {
            return json.readValue(body, type);
        } catch (JsonProcessingException e) {
            throw new Rejected("not a valid message body: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new Rejected("unreadable message body: " + e.getMessage());
        }
    }

    private static String required(String orderId) {
        if (orderId == null || orderId.isBlank()) {
            throw new Rejected("order_id: is required");
        }
        return orderId;
    }

    private static UUID tenant(String header) {
        if (header == null || header.isBlank()) {
            throw new Rejected("the " + TENANT_HEADER + " header is missing: every command names its tenant");
        }
        try {
            return UUID.fromString(header);
        } catch (IllegalArgumentException e) {
            throw new Rejected("the " + TENANT_HEADER + " header is not a UUID: " + header);
        }
    }

    private static String describe(ProblemException e) {
        if (e.errors() == null || e.errors().isEmpty()) {
            return "";
        }
        return e.errors().stream().map(f -> f.field() + ": " + f.reason()).collect(Collectors.joining("; ", " (", ")"));
    }
}
