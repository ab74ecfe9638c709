package io.shoppulse.common.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Points a component under test at the real RabbitMQ, with the virtual host and user ./shoppulse provisions. */
public class RabbitMqResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Platform.requireReachable("RabbitMQ", rabbitHost() + ":" + rabbitPort());
        return Map.of("shoppulse.rabbitmq.host", rabbitHost(), "shoppulse.rabbitmq.port", String.valueOf(rabbitPort()),
                "shoppulse.rabbitmq.vhost", vhost(), "shoppulse.rabbitmq.user", user(),
                "shoppulse.rabbitmq.password", password());
    }

    @Override
    public void stop() {
        // the server is not the test's to stop
    }

    public static String rabbitHost() {
        return Platform.get("SHOPPULSE_RABBITMQ_HOST", "127.0.0.1");
    }

    public static int rabbitPort() {
        return Integer.parseInt(Platform.get("SHOPPULSE_RABBITMQ_PORT", "5672"));
    }

    public static String vhost() {
        return Platform.get("SHOPPULSE_RABBITMQ_VHOST", "shoppulse");
    }

    public static String user() {
        return Platform.get("SHOPPULSE_RABBITMQ_USER", "shoppulse");
    }

    public static String password() {
        return Platform.require("SHOPPULSE_RABBITMQ_PASSWORD");
    }
}
