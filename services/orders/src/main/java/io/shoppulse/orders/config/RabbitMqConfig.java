package io.shoppulse.orders.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The RabbitMQ broker the storefront's commands arrive on (the same keys the routes runtime reads). */
@ConfigMapping(prefix = "shoppulse.rabbitmq")
public interface RabbitMqConfig {

    @WithDefault("127.0.0.1")
    String host();

    @WithDefault("5672")
    int port();

    @WithDefault("shoppulse")
    String vhost();

    @WithDefault("shoppulse")
    String user();

    String password();
}
