package io.shoppulse.orders.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Order commands over RabbitMQ: where they arrive, and how long one that cannot apply yet is retried. */
@ConfigMapping(prefix = "shoppulse.orders.commands")
public interface CommandsConfig {

    @WithDefault("true")
    boolean enabled();

    /** The storefront's topic exchange; commands use the routing keys order.placed, order.paid, ... */
    @WithDefault("shop.commerce")
    String exchange();

    @WithDefault("shoppulse.orders.commands")
    String queue();

    @WithDefault("2")
    int consumers();

    /** Unacknowledged messages per consumer: one, so that a command waiting to retry holds back no other. */
    @WithDefault("1")
    int prefetch();

    /**
     * Retries of a command that may just have arrived before its order (order.paid before order.placed, say): each
     * waits (doubling from {@link #retryDelay()}) and goes back to the tail of the queue; after the last one the
     * command is dead-lettered with the reason.
     */
    @WithDefault("5")
    int retries();

    @WithDefault("500ms")
    Duration retryDelay();

    @WithDefault("shop.commerce.dlx")
    String deadLetterExchange();

    @WithDefault("shoppulse.orders.commands.dlq")
    String deadLetterQueue();
}
