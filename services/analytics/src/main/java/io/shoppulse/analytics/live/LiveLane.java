package io.shoppulse.analytics.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.shoppulse.analytics.config.AnalyticsConfig;
import io.shoppulse.analytics.model.LiveView;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live lane as the route sees it: reads a batch of records, counts each, measures how far behind the lane runs,
 * and turns an unreadable record into a dead letter with its reason.
 */
@ApplicationScoped
public class LiveLane {

    private static final Logger LOG = Logger.getLogger(LiveLane.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FAILURE_TRACE_EVERY_NS = Duration.ofMinutes(1).toNanos();

    private final AnalyticsConfig.Live config;
    private final LiveCounters counters;
    private final MeterRegistry registry;
    private final Timer lag;
    private final Map<String, Counter> consumed = new ConcurrentHashMap<>();
    /** The counters of the two topics by outcome, made once: the consumer looks one up per record. */
    private final Map<String, Counter[]> outcomes = new ConcurrentHashMap<>();
    private final AtomicLong lastFailureTrace = new AtomicLong(Long.MIN_VALUE);

    public LiveLane(AnalyticsConfig config, MeterRegistry registry) {
        this.config = config.live();
        this.registry = registry;
        this.counters = new LiveCounters(Clock.systemUTC(), this.config.grace(), this.config.activeSessionWindow(),
                this.config.rateWindow(), this.config.recentMinutes(), this.config.dedupCapacity(),
                this.config.handOverAfter());
        this.lag = Timer.builder("shoppulse.analytics.live.lag")
                .description("How far the live lane runs behind: its clock minus the record's occurred_at")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10)).register(registry);
    }

    /** Counts one record of shop.events.v1 or shop.orders.v1; an unreadable one throws {@link BadRecordException}. */
    private void accept(Exchange exchange) {
        String topic = exchange.getMessage().getHeader(KafkaConstants.TOPIC, String.class);
        String body = exchange.getMessage().getBody(String.class);
        LiveRecord record = config.ordersTopic().equals(topic) ? RecordParser.order(body) : RecordParser.event(body);
        lag.record(Duration.between(record.occurredAt(), Instant.now()).abs());
        LiveCounters.Outcome outcome = counters.apply(record);
        outcomes.computeIfAbsent(topic == null ? "unknown" : topic, this::outcomeCounters)[outcome.ordinal()]
                .increment();
    }

    /**
     * Counts a batch of records (the body: one exchange per record, as camel-kafka's batching consumer hands them
     * over) and returns the dead letters of those it could not count. A record that fails for any other reason is
     * dead-lettered too, so it never takes the rest of its batch with it.
     */
    public List<String> acceptBatch(Exchange batch) {
        List<?> records = batch.getMessage().getBody(List.class);
        List<String> letters = new ArrayList<>();
        for (Object item : records) {
            Exchange record = (Exchange) item;
            try {
                accept(record);
            } catch (BadRecordException e) {
                letters.add(deadLetter(record, e.getMessage()));
            } catch (RuntimeException e) {
                // A fault that hits every record would otherwise log a stack trace per record.
                long now = System.nanoTime();
                long last = lastFailureTrace.get();
                if ((last == Long.MIN_VALUE || now - last >= FAILURE_TRACE_EVERY_NS)
                        && lastFailureTrace.compareAndSet(last, now)) {
                    LOG.errorf(e, "Live lane failed on a record of %s (one trace a minute at most)",
                            record.getMessage().getHeader(KafkaConstants.TOPIC));
                }
                letters.add(deadLetter(record, "failed: " + e));
            }
        }
        return letters;
    }

    /** The dead letter of a record: the reason, where the record came from, and the record. */
    private String deadLetter(Exchange record, String reason) {
        String topic = record.getMessage().getHeader(KafkaConstants.TOPIC, String.class);
        Object partition = record.getMessage().getHeader(KafkaConstants.PARTITION);
        Object offset = record.getMessage().getHeader(KafkaConstants.OFFSET);
        counter(topic, "rejected").increment();
        LOG.warnf("Live lane dead-letters a record of %s (partition %s, offset %s): %s", topic, partition, offset,
                reason);
        Map<String, Object> letter = new LinkedHashMap<>();
        letter.put("reason", reason);
        letter.put("topic", topic);
        letter.put("partition", partition);
        letter.put("offset", offset);
        letter.put("rejected_at", Instant.now().toString());
        letter.put("record", record.getMessage().getBody(String.class));
        try {
            return JSON.writeValueAsString(letter);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public LiveView view(UUID tenant) {
        return counters.view(tenant);
    }

    public LiveCounters counters() {
        return counters;
    }

    private Counter[] outcomeCounters(String topic) {
        LiveCounters.Outcome[] all = LiveCounters.Outcome.values();
        Counter[] byOutcome = new Counter[all.length];
        for (LiveCounters.Outcome o : all) {
            byOutcome[o.ordinal()] = counter(topic, o.name().toLowerCase());
        }
        return byOutcome;
    }

    private Counter counter(String topic, String outcome) {
        String name = topic == null ? "unknown" : topic;
        return consumed.computeIfAbsent(name + "|" + outcome,
                k -> Counter.builder("shoppulse.analytics.live.records")
                        .description("Records the live lane consumed, by topic and outcome").tag("topic", name)
                        .tag("outcome", outcome).register(registry));
    }
}
