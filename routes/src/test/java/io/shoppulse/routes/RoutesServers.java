package io.shoppulse.routes;

import io.quarkus.test.common.QuarkusTestResource;
import io.shoppulse.common.testing.CollectorResource;
import io.shoppulse.common.testing.KafkaResource;
import io.shoppulse.common.testing.RabbitMqResource;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The real servers behind the routes: RabbitMQ, the collector (itself on PostgreSQL, Kafka, Keycloak), Kafka. */
@QuarkusTestResource(value = RabbitMqResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = CollectorResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = WebhookSecretsResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = BridgeQueueResource.class, restrictToAnnotatedClass = false)
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RoutesServers {
}
