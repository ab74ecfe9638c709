package io.shoppulse.orders.messaging;

import io.shoppulse.orders.config.RabbitMqConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/** The one RabbitMQ connection factory, found by camel-spring-rabbitmq in the registry by its type. */
@ApplicationScoped
public class RabbitMqConnections {

    @Produces
    @ApplicationScoped
    ConnectionFactory connectionFactory(RabbitMqConfig config) {
        CachingConnectionFactory factory = new CachingConnectionFactory(config.host(), config.port());
        factory.setVirtualHost(config.vhost());
        factory.setUsername(config.user());
        factory.setPassword(config.password());
        factory.setConnectionNameStrategy(f -> "orders");
        // Retries and dead letters are published before the original is acknowledged: wait for the broker's confirm.
        factory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        return factory;
    }

    void close(@Disposes ConnectionFactory factory) {
        ((CachingConnectionFactory) factory).destroy();
    }
}
