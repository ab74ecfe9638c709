package io.shoppulse.analytics;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.shoppulse.common.testing.Platform;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Makes sure the live lane's dead-letter topic exists on the running broker, exactly as infra/kafka/topics.conf
 * declares it: the launcher creates topics when it starts Kafka, and a broker started before the topic was declared
 * lacks it (the broker does not create topics on first use).
 */
public class DeadLetterTopicResource implements QuarkusTestResourceLifecycleManager {

    public static final String TOPIC = "shop.analytics.live.dlq.v1";

    @Override
    public Map<String, String> start() {
        String[] declared = declaration();
        Map<String, String> configs = new HashMap<>();
        if (declared.length > 2) {
            for (String config : declared[2].split(",")) {
                String[] kv = config.split("=", 2);
                configs.put(kv[0], kv[1]);
            }
        }
        try (Admin admin = Admin
                .create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Platform.kafkaBootstrap()))) {
            if (!admin.listTopics().names().get().contains(TOPIC)) {
                admin.createTopics(List.of(new NewTopic(TOPIC, Integer.parseInt(declared[1]), (short) 1)
                        .configs(configs))).all().get();
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create " + TOPIC, e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return Map.of();
    }

    private static String[] declaration() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path conf = dir.resolve("infra/kafka/topics.conf");
            if (Files.isRegularFile(conf)) {
                try {
                    return Files.readAllLines(conf).stream().map(String::trim)
                            .filter(line -> line.startsWith(TOPIC + " ")).findFirst()
                            .map(line -> line.split("\\s+"))
                            .orElseThrow(() -> new IllegalStateException(TOPIC + " is not declared in " + conf));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        throw new IllegalStateException("infra/kafka/topics.conf not found above " + Path.of("").toAbsolutePath());
    }

    @Override
    public void stop() {
        // the topic stays, as the launcher would have made it
    }
}
