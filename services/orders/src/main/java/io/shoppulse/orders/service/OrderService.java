package io.shoppulse.orders.service;

import io.shoppulse.common.jdbc.Transactions;
import io.shoppulse.outbox.OutboxWriter;
import io.shoppulse.common.partition.Granularity;
import io.shoppulse.common.partition.PartitionMaintainer;
import io.shoppulse.common.problem.FieldError;
import io.shoppulse.common.problem.ProblemException;
import io.shoppulse.orders.model.Order;
import io.shoppulse.orders.model.OrderPage;
import io.shoppulse.orders.model.OrderStatus;
import io.shoppulse.orders.model.PlaceOrder;
import io.shoppulse.orders.model.RefundOrder;
import io.shoppulse.orders.model.Transition;
import io.shoppulse.orders.repository.OrderRepository;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Order commands, each one database transaction: the change, the record that its message was applied, and its
 * outbox event commit together or not at all. Commands are idempotent: an order id placed twice with the same
 * content, a refund id applied twice, a message id seen before, or a status stated again change nothing.
 */
@ApplicationScoped
public class OrderService {

    private final DataSource dataSource;
    private final Transactions tx;
    private final OrderRepository orders;
    private final OrderRules rules;
    private final OutboxWriter outbox;

    public OrderService(DataSource dataSource, Transactions tx, OrderRepository orders, OrderRules rules,
            OutboxWriter outbox) {
        this.dataSource = dataSource;
        this.tx = tx;
        this.orders = orders;
        this.rules = rules;
        this.outbox = outbox;
    }

    /** The result of placing: the order, and whether this call created it. */
    public record Placed(Order order, boolean created) {
    }

    public Placed place(UUID tenant, PlaceOrder command, String origin) {
        Order order = rules.newOrder(command);
        try {
            return tx.inTransaction(c -> place(c, tenant, order, origin));
        } catch (Transactions.StorageException e) {
            if (!e.isMissingPartition()) {
                throw e;
            }
            // An order older than the partitions kept ahead: make its month, then try once more.
            PartitionMaintainer maintainer = new PartitionMaintainer(dataSource, Clock.systemUTC());
            maintainer.ensureRange("orders.orders", Granularity.MONTH, order.placedAt(),
                    order.placedAt().plusSeconds(1));
            maintainer.ensureRange("orders.order_lines", Granularity.MONTH, order.placedAt(),
                    order.placedAt().plusSeconds(1));
            return tx.inTransaction(c -> place(c, tenant, order, origin));
        }
    }

    private Placed place(Connection c, UUID tenant, Order order, String origin) throws SQLException {
        if (!orders.claimKey(c, tenant, order.orderId(), order.placedAt())) {
            Instant placedAt = orders.placedAt(c, tenant, order.orderId()).orElseThrow();
            Order existing = orders.find(c, tenant, order.orderId(), placedAt, false).orElseThrow();
            if (!rules.sameOrder(existing, order)) {
                throw new ProblemException(409, "order-id-taken", "Order id already used",
                        "Order " + order.orderId() + " exists with different content; an order cannot be placed twice.",
                        List.of(new FieldError("order_id", "already used for a different order")), null);
            }
            return new Placed(existing, false);
        }
        orders.insert(c, tenant, order, origin);
        orders.insertLines(c, tenant, order, order.lines(), order.placedAt());
        publish(c, tenant, "order.placed", order, null);
        return new Placed(order, true);
    }

    /** Moves the order to {@code target}; stating the status it already has changes nothing. */
    public Order transition(UUID tenant, String orderId, OrderStatus target, Transition details, String messageId) {
        return tx.inTransaction(c -> {
            Order current = locked(c, tenant, orderId);
            if (messageId != null && !orders.claimMessage(c, tenant, messageId, orderId)
                    || current.status() == target) {
                return current;
            }
            Order next = rules.transition(current, target, details);
            orders.update(c, tenant, next);
            publish(c, tenant, "order." + target.value(), next, null);
            return next;
        });
    }

    public Order refund(UUID tenant, String orderId, RefundOrder command, String messageId) {
        return refund(tenant, orderId, command, messageId, true);
    }

    /**
     * A return found by a historical import whose order was loaded before it: applied like any refund, but not
     * published, as imported history never is (the backfill reads it from the tables).
     */
    public Order refundImported(UUID tenant, String orderId, RefundOrder command) {
        return refund(tenant, orderId, command, null, false);
    }

    private Order refund(UUID tenant, String orderId, RefundOrder command, String messageId, boolean publish) {
        return tx.inTransaction(c -> {
            Order current = locked(c, tenant, orderId);
            if (messageId != null && !orders.claimMessage(c, tenant, messageId, orderId)
                    || command.refundId() != null && orders.hasRefund(c, tenant, orderId, command.refundId())) {
                return current; // applied before: even a refund that has since emptied the order replays as a no-op
            }
            OrderRules.Refund refund = rules.refund(current, command);
            orders.insertRefund(c, tenant, orderId, command.refundId(), refund.amount(), refund.at());
            orders.insertLines(c, tenant, current, refund.lines(), refund.at());
            orders.update(c, tenant, refund.order());
            Order stored = refund.order();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("refund_id", command.refundId());
            details.put("amount", refund.amount());
            details.put("refunded_at", refund.at());
            if (publish) {
                publish(c, tenant, "order.refunded", stored, details);
            }
            return stored;
        });
    }

    public Order get(UUID tenant, String orderId) {
        return tx.inTransaction(c -> {
            Instant placedAt = orders.placedAt(c, tenant, orderId).orElseThrow(() -> notFound(orderId));
            return orders.find(c, tenant, orderId, placedAt, false).orElseThrow(() -> notFound(orderId));
        });
    }

    /** Orders placed in [from, to), newest first, {@code limit} per page; the cursor continues a listing. */
    public OrderPage list(UUID tenant, Instant from, Instant to, OrderStatus status, String cursor, int limit) {
        Instant afterPlacedAt = null;
        String afterOrderId = null;
        if (cursor != null && !cursor.isBlank()) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\n",
                        2);
                afterPlacedAt = Instant.parse(parts[0]);
                afterOrderId = parts[1];
            } catch (RuntimeException e) {
                throw ProblemException.badRequest("cursor", "is not a cursor this service returned");
            }
        }
        Instant after = afterPlacedAt;
        String afterId = afterOrderId;
        List<Order> page = tx.inTransaction(c -> orders.list(c, tenant, from, to, status, after, afterId, limit + 1));
        String next = null;
        if (page.size() > limit) {
            page = page.subList(0, limit);
            Order last = page.get(limit - 1);
            next = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((last.placedAt() + "\n" + last.orderId()).getBytes(StandardCharsets.UTF_8));
        }
        return new OrderPage(page, next);
    }

    private Order locked(Connection c, UUID tenant, String orderId) throws SQLException {
        Instant placedAt = orders.placedAt(c, tenant, orderId).orElseThrow(() -> notFound(orderId));
        return orders.find(c, tenant, orderId, placedAt, true).orElseThrow(() -> notFound(orderId));
    }

    /** The outbox event: what happened and the order as it now is; consumers deduplicate by event_id. */
    private void publish(Connection c, UUID tenant, String type, Order order, Map<String, Object> details)
            throws SQLException {
        Map<String, Object> body = new LinkedHashMap<>();
        if (details != null) {
            body.put("refund", details);
        }
        body.put("order", order);
        outbox.append(c, tenant, order.orderId(), type, body);
    }

    private static ProblemException notFound(String orderId) {
        return new ProblemException(404, "order-not-found", "Order not found",
                "No order " + orderId + " in your tenant.", List.of(new FieldError("order_id", "not found")), null);
    }
}
