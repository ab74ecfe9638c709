package io.shoppulse.analytics;

import io.quarkus.test.common.QuarkusTestResource;
import io.shoppulse.common.testing.KafkaResource;
import io.shoppulse.common.testing.KeycloakResource;
import io.shoppulse.common.testing.PostgresResource;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The real servers behind the analytics service: PostgreSQL (its own login), Keycloak, Kafka (its topics, the lane's
 * dead-letter topic among them, made by the launcher from infra/kafka/topics.conf). One set for every test class, so Quarkus starts once.
 */
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = AnalyticsDatabaseResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = KeycloakResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface AnalyticsServers {
}
