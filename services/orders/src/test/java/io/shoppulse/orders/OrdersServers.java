package io.shoppulse.orders;

import io.quarkus.test.common.QuarkusTestResource;
import io.shoppulse.common.testing.KafkaResource;
import io.shoppulse.common.testing.KeycloakResource;
import io.shoppulse.common.testing.PostgresResource;
import io.shoppulse.orders.messaging.CommandsQueueResource;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The real servers behind the orders service: PostgreSQL, Keycloak, Kafka (outbox relay) and RabbitMQ (commands,
 * on an exchange of the test run's own). One set for every test class, so Quarkus starts once.
 */
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = KeycloakResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = CommandsQueueResource.class, restrictToAnnotatedClass = false)
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface OrdersServers {
}
