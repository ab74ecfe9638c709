package io.shoppulse.simulator.client;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.shoppulse.simulator.model.Json;
import io.shoppulse.simulator.model.OrderMessages;
import io.shoppulse.simulator.traffic.OrderLifecycle;
import io.shoppulse.simulator.traffic.Stats;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes the orders' messages to the topic exchange {@code shop.commerce} as a shop backend does: persistent
 * (delivery mode 2), {@code application/json}, a unique {@code message_id} (the consumer's idempotency key), the
 * tenant in the {@code x-shoppulse-tenant} header, and publisher confirms. A message counts as delivered when the
 * broker confirms it; a nack or a lost connection sends it again (same message id). While RabbitMQ is unreachable,
 * messages wait in memory (at most {@value #MAX_WAITING}) and the publisher reconnects with back-off. All channel
 * work happens on one thread, as a channel wants.
 */
public final class OrderPublisher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(OrderPublisher.class);
    private static final int MAX_WAITING = 50_000;
    public static final String TENANT_HEADER = "x-shoppulse-tenant";

    /** A message with the tenant it belongs to. */
    private record Outgoing(String tenantId, OrderLifecycle.Message message) {
    }

    private final ConnectionFactory factory;
    private final String exchange;
    private final Stats stats;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "amqp-publisher");
        t.setDaemon(true);
        return t;
    });
    private final Deque<Outgoing> waiting = new ArrayDeque<>();
    private final NavigableMap<Long, Outgoing> unconfirmed = new ConcurrentSkipListMap<>();
    private Connection connection;
    private Channel channel;
    private int failures;
    private boolean reconnectScheduled;
    private volatile boolean closing;

    public OrderPublisher(String host, int port, String vhost, String user, String password, String exchange,
            Stats stats) {
        this.factory = new ConnectionFactory();
        factory.setHost(host);
        factory.setPort(port);
        factory.setVirtualHost(vhost);
        factory.setUsername(user);
        factory.setPassword(password);
        factory.setAutomaticRecoveryEnabled(false); // reconnection and re-publishing are done here, on one thread
        factory.setConnectionTimeout(5000);
        factory.setRequestedHeartbeat(30);
        this.exchange = exchange;
        this.stats = stats;
    }

    /** Connects now if it can; otherwise keeps trying in the background. */
    public void start() {
        thread.execute(() -> {
            if (!connected()) {
                scheduleReconnect();
            }
        });
    }

    public void publish(String tenantId, OrderLifecycle.Message message) {
        if (message.body() instanceof OrderMessages.Placed) {
            stats.ordersPublished.increment();
        } else {
            stats.stepsPublished.increment();
        }
        thread.execute(() -> {
            enqueue(new Outgoing(tenantId, message));
            drain();
        });
    }

    /** Messages published and not yet confirmed by the broker. */
    public int pending() {
        try {
            return thread.submit(() -> waiting.size() + unconfirmed.size()).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (ExecutionException | TimeoutException e) {
            return -1;
        }
    }

    private void enqueue(Outgoing m) {
        if (waiting.size() >= MAX_WAITING) {
            waiting.pollFirst();
            stats.messagesDropped.increment();
        }
        waiting.addLast(m);
    }

    private void drain() {
        while (!waiting.isEmpty()) {
            if (!connected()) {
                scheduleReconnect();
                return;
            }
            Outgoing m = waiting.pollFirst();
            long seq = channel.getNextPublishSeqNo();
            unconfirmed.put(seq, m);
            try {
                channel.basicPublish(exchange, m.message().routingKey(), true, properties(m),
                        Json.MAPPER.writeValueAsBytes(m.message().body()));
            } catch (IOException | RuntimeException e) {
                unconfirmed.remove(seq);
                waiting.addFirst(m);
                LOG.warnf("Publishing to RabbitMQ failed (%s); will reconnect", e.toString());
                disconnect();
            }
        }
    }

    private AMQP.BasicProperties properties(Outgoing m) {
        return new AMQP.BasicProperties.Builder().messageId(m.message().messageId()).contentType("application/json")
                .deliveryMode(2).headers(Map.of(TENANT_HEADER, m.tenantId())).timestamp(new Date())
                .type(m.message().routingKey()).appId("shoppulse-simulator").build();
    }

    private boolean connected() {
        if (channel != null && channel.isOpen()) {
            return true;
        }
        try {
            if (connection == null || !connection.isOpen()) {
                connection = factory.newConnection("shoppulse-simulator");
            }
            Channel opened = openChannelWithExchange();
            opened.confirmSelect();
            opened.addShutdownListener(cause -> {
                if (!closing) {
                    thread.execute(() -> lost(opened));
                }
            });
            channel = opened;
            channel.addConfirmListener(confirms());
            channel.addReturnListener(returned -> {
                stats.messagesUnroutable.increment();
                if (stats.messagesUnroutable.sum() == 1) {
                    LOG.warnf("No queue is bound to %s for %s yet: RabbitMQ dropped the message (counted as"
                            + " unroutable; the orders service's consumer binds one)", exchange,
                            returned.getRoutingKey());
                }
            });
            if (failures > 0) {
                LOG.infof("Connected to RabbitMQ again after %d failed attempts", failures);
            } else {
                LOG.infof("Connected to RabbitMQ at %s:%d, vhost %s, exchange %s", factory.getHost(),
                        factory.getPort(), factory.getVirtualHost(), exchange);
            }
            failures = 0;
            return true;
        } catch (IOException | TimeoutException | RuntimeException e) {
            failures++;
            if (failures == 1 || Integer.bitCount(failures) == 1) {
                LOG.warnf("RabbitMQ is not reachable at %s:%d (%s); %d order messages wait", factory.getHost(),
                        factory.getPort(), e.toString(), waiting.size() + unconfirmed.size());
            }
            disconnect();
            return false;
        }
    }

    /** The exchange as the platform declares it (topic, durable): used if it exists, created if not. */
    private Channel openChannelWithExchange() throws IOException {
        Channel c = connection.createChannel();
        try {
            c.exchangeDeclarePassive(exchange);
            return c;
        } catch (IOException missing) {
            // A failed passive declare closes the channel; a new one creates the exchange.
            Channel fresh = connection.createChannel();
            fresh.exchangeDeclare(exchange, "topic", true);
            LOG.infof("Declared the exchange %s (topic, durable)", exchange);
            return fresh;
        }
    }

    private ConfirmListener confirms() {
        return new ConfirmListener() {
            @Override
            public void handleAck(long seq, boolean multiple) {
                for (Outgoing m : settle(seq, multiple)) {
                    if (m.message().body() instanceof OrderMessages.Placed placed) {
                        stats.orderConfirmed(placed.orderId());
                    } else {
                        stats.stepsConfirmed.increment();
                    }
                }
            }

            @Override
            public void handleNack(long seq, boolean multiple) {
                for (Outgoing m : settle(seq, multiple)) {
                    stats.messagesNacked.increment();
                    thread.execute(() -> {
                        enqueue(m);
                        drain();
                    });
                }
            }
        };
    }

    private Iterable<Outgoing> settle(long seq, boolean multiple) {
        if (!multiple) {
            Outgoing m = unconfirmed.remove(seq);
            return m == null ? List.of() : List.of(m);
        }
        NavigableMap<Long, Outgoing> head = unconfirmed.headMap(seq, true);
        List<Outgoing> settled = new ArrayList<>(head.values());
        head.clear();
        return settled;
    }

    /** The channel (or its connection) went away: what the broker has not confirmed goes out again. */
    private void lost(Channel which) {
        if (which != channel) {
            return; // an older channel, already replaced
        }
        requeueUnconfirmed();
        channel = null;
        drain();
    }

    private void requeueUnconfirmed() {
        if (!unconfirmed.isEmpty()) {
            LOG.warnf("%d messages were not confirmed by RabbitMQ; they will be sent again (same message ids)",
                    unconfirmed.size());
            unconfirmed.descendingMap().values().forEach(waiting::addFirst);
            unconfirmed.clear();
        }
    }

    private void scheduleReconnect() {
        if (reconnectScheduled || closing) {
            return;
        }
        reconnectScheduled = true;
        long delay = Math.min(60, 1L << Math.min(6, Math.max(0, failures - 1)));
        thread.schedule(() -> {
            reconnectScheduled = false;
            if (waiting.isEmpty() && !connected()) {
                scheduleReconnect(); // nothing to send yet, but keep trying so the log tells when it is back
            }
            drain();
        }, delay, TimeUnit.SECONDS);
    }

    private void disconnect() {
        requeueUnconfirmed();
        Connection c = connection;
        channel = null;
        connection = null;
        if (c != null) {
            try {
                c.abort(2000);
            } catch (RuntimeException ignored) {
                // already closed
            }
        }
    }

    /** Waits a little for the broker to confirm what was published, then closes. */
    @Override
    public void close() {
        awaitConfirms(Duration.ofSeconds(10));
        closing = true;
        thread.execute(() -> {
            if (connection != null && connection.isOpen()) {
                try {
                    connection.close(3000);
                } catch (IOException | RuntimeException e) {
                    LOG.debugf("Closing the RabbitMQ connection: %s", e);
                }
            }
        });
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean awaitConfirms(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            int pending = pending();
            if (pending == 0) {
                return true;
            }
            try {
                Thread.sleep(100); // polling our own counter; no network wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
