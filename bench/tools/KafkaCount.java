import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

/**
 * Benchmark helper, run as a single-file program on the Kafka jars:
 * {@code offsets BOOTSTRAP TOPIC} prints the end offsets as "partition=offset,...";
 * {@code count BOOTSTRAP TOPIC OFFSETS KEY_PREFIX} reads from those offsets to the current end and prints
 * "<records whose key starts with KEY_PREFIX> <distinct event_ids among them> <their mean key+value size in bytes>".
 */
public final class KafkaCount {

    public static void main(String[] args) {
        if (args.length < 2 || !List.of("offsets", "count").contains(args[0]) || args[0].equals("count") && args.length != 5) {
            System.err.println("usage: KafkaCount offsets BOOTSTRAP TOPIC | count BOOTSTRAP TOPIC OFFSETS KEY_PREFIX");
            System.exit(2);
        }
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[1]);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(args[2]).stream()
                    .map(p -> new TopicPartition(args[2], p.partition())).toList();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            if (args[0].equals("offsets")) {
                StringBuilder out = new StringBuilder();
                end.forEach((tp, offset) -> out.append(out.length() == 0 ? "" : ",").append(tp.partition()).append('=').append(offset));
                System.out.println(out);
                return;
            }
            Map<Integer, Long> start = new HashMap<>();
            for (String pair : args[3].split(",")) {
                String[] kv = pair.split("=");
                start.put(Integer.parseInt(kv[0]), Long.parseLong(kv[1]));
            }
            consumer.assign(partitions);
            partitions.forEach(tp -> consumer.seek(tp, start.getOrDefault(tp.partition(), 0L)));
            long matched = 0;
            long bytes = 0;
            Set<UUID> ids = new HashSet<>();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))
                            && record.key() != null && record.key().startsWith(args[4])) {
                        matched++;
                        bytes += record.key().length() + record.value().length;
                        String value = new String(record.value(), StandardCharsets.UTF_8);
                        int at = value.indexOf("\"event_id\":\"");
                        if (at >= 0) {
                            ids.add(UUID.fromString(value.substring(at + 12, at + 48)));
                        }
                    }
                }
            }
            System.out.println(matched + " " + ids.size() + " " + (matched == 0 ? 0 : bytes / matched));
        }
    }
}
