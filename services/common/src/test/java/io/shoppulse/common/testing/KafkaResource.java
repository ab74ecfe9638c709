package io.shoppulse.common.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Points a service under test at the real Kafka broker that ./shoppulse runs. */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Platform.requireReachable("Kafka", Platform.kafkaBootstrap());
        return Map.of("kafka.bootstrap.servers", Platform.kafkaBootstrap());
    }

    @Override
    public void stop() {
        // the broker belongs to ./shoppulse, not to the test
    }
}
