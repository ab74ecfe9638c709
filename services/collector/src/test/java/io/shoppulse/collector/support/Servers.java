package io.shoppulse.collector.support;

import io.quarkus.test.common.QuarkusTestResource;
import io.shoppulse.common.testing.KafkaResource;
import io.shoppulse.common.testing.KeycloakResource;
import io.shoppulse.common.testing.PostgresResource;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The real servers the collector talks to: PostgreSQL, Kafka and Keycloak as ./shoppulse runs them. */
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = KeycloakResource.class, restrictToAnnotatedClass = false)
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Servers {
}
