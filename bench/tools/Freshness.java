import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * ./shoppulse bench freshness, the measuring part (bench/freshness.sh sets it up): an open-loop load of event batches
 * through the collector at stepped rates, and meanwhile a probe every 200 ms (a page_view of a new session of a probe
 * tenant that has no other traffic) whose effect is polled every 25 ms in both lanes: its row in analytics.sessions
 * (Spark) and the probe tenant's /v1/live event count (the live lane). Every probe of one minute goes to one Kafka
 * partition and is sent only after the one before it was answered, so the lane counts them in the order they were
 * sent: the k-th probe of a minute has arrived when that minute's count reaches k.
 *
 * Prints one JSON object: the steps with the achieved load, each lane's latency percentiles, timeouts, Spark's lag
 * (traffic query: the topic's end offsets minus the offsets of its last committed batch) and the CPU each process used.
 * Runs for at most the planned time plus the probe timeout plus a margin, whatever happens.
 *
 * Usage: java -cp KAFKA_LIBS:POSTGRESQL_JAR Freshness.java --collector URL --analytics URL --keycloak URL --realm R
 *   --bootstrap HOST:PORT --jdbc URL --checkpoint DIR --status FILE --run-dir DIR --load-key-env VAR
 *   --probe-key-env VAR --probe-tenant UUID --probe-user USER --probe-password-env VAR --db-password-env VAR
 *   --rates 1000,5000 --step-s 60 --settle-s 10 --warmup-s 15 --batch 50 --sessions 20000 --session-events 20
 *   --connections 64 --probe-every-ms 200 --poll-ms 25 --probe-timeout-s 60 --stop-on-fail true|false --out FILE
 */
public final class Freshness {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/131.0.0.0 Safari/537.36";
    private static final String TOPIC = "shop.events.v1";

    private final Map<String, String> opt;
    private final HttpClient loadClient;
    private final HttpClient probeClient;
    private final long runStartNanos = System.nanoTime();
    private final Instant runStart = Instant.now();
    private final String run = String.format("%08x", (int) (runStart.getEpochSecond() & 0xffffffffL));
    private volatile boolean stop;

    // Load: what the pacer fires and what came back (cumulative; steps take differences).
    private volatile long intervalNanos = -1; // -1: no load
    private final AtomicLong loadRequests = new AtomicLong();
    private final AtomicLong loadAccepted = new AtomicLong();
    private final AtomicLong loadNon202 = new AtomicLong();
    private final AtomicLong loadErrors = new AtomicLong();
    private final AtomicLong loadSkipped = new AtomicLong();
    private final AtomicLong loadEvents = new AtomicLong();
    private Semaphore inFlight;

    // Probes.
    private final List<Probe> probes = new CopyOnWriteArrayList<>();
    private final Map<Long, List<Probe>> probesByMinute = new ConcurrentHashMap<>();
    private final Map<Long, Long> liveBaseline = new ConcurrentHashMap<>();
    private final Map<Long, Boolean> minuteToSpark = new ConcurrentHashMap<>();
    private final Map<Long, Boolean> minuteTainted = new ConcurrentHashMap<>();
    private volatile int currentStep = -1; // the step whose measured window is open, -1 outside
    private volatile String token;
    private volatile long tokenAt;
    private final AtomicLong livePolls = new AtomicLong();
    private final AtomicLong livePollErrors = new AtomicLong();
    private final AtomicLong sparkPolls = new AtomicLong();
    private final AtomicLong sparkPollErrors = new AtomicLong();
    private int probePartition = -1;
    private int partitions;

    // Spark status samples.
    private final List<ObjectNode> sparkSamples = new CopyOnWriteArrayList<>();
    private final List<long[]> lagSamples = new CopyOnWriteArrayList<>();

    static final class Probe {
        final int index;
        final int step;
        final String session;
        final String eventId;
        final Instant timestamp;
        final long minute;
        volatile long sentNanos;
        volatile long ackNanos = -1; // the collector's 202
        volatile int status;
        volatile long sparkNanos = -1;
        volatile long liveNanos = -1;
        volatile int rankInMinute; // 1-based, among the probes of its minute

        Probe(int index, int step, String session, String eventId, Instant timestamp) {
            this.index = index;
            this.step = step;
            this.session = session;
            this.eventId = eventId;
            this.timestamp = timestamp;
            this.minute = timestamp.truncatedTo(ChronoUnit.MINUTES).getEpochSecond();
        }
    }

    Freshness(Map<String, String> opt) {
        this.opt = opt;
        this.loadClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.probeClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                usage("unexpected argument " + args[i]);
            }
            opt.put(args[i].substring(2), args[i + 1]);
        }
        for (String required : List.of("collector", "analytics", "keycloak", "realm", "bootstrap", "jdbc",
                "checkpoint", "status", "run-dir", "load-key-env", "probe-key-env", "probe-tenant", "probe-user",
                "probe-password-env", "db-password-env", "rates", "out")) {
            if (!opt.containsKey(required)) {
                usage("--" + required + " is required");
            }
        }
        for (String url : List.of(opt.get("collector"), opt.get("analytics"), opt.get("keycloak"),
                "http://" + opt.get("bootstrap"), opt.get("jdbc").replaceFirst("^jdbc:postgresql:", "http:"))) {
            String host = URI.create(url).getHost();
            if (!"127.0.0.1".equals(host) && !"localhost".equals(host)) {
                usage("only 127.0.0.1 targets are allowed, not " + url);
            }
        }
        new Freshness(opt).run();
        System.exit(0);
    }

    private static void usage(String why) {
        System.err.println("Freshness: " + why + "\nusage: see the comment at the top of bench/tools/Freshness.java");
        System.exit(2);
    }

    private int intOpt(String name, int fallback) {
        return Integer.parseInt(opt.getOrDefault(name, String.valueOf(fallback)));
    }

    private String env(String optName) {
        String value = System.getenv(opt.get(optName));
        if (value == null || value.isEmpty()) {
            usage("the environment variable " + opt.get(optName) + " (--" + optName + ") is empty");
        }
        return value;
    }

    private long elapsedMs() {
        return (System.nanoTime() - runStartNanos) / 1_000_000;
    }

    private void log(String message) {
        System.err.printf("[freshness %5.1fs] %s%n", elapsedMs() / 1000.0, message);
    }

    // ---------------------------------------------------------------------------------------------------------------

    void run() throws Exception {
        List<Integer> rates = Stream.of(opt.get("rates").split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(Integer::parseInt).toList();
        int stepS = intOpt("step-s", 60);
        int settleS = intOpt("settle-s", 10);
        int warmupS = intOpt("warmup-s", 15);
        int timeoutS = intOpt("probe-timeout-s", 60);
        boolean stopOnFail = Boolean.parseBoolean(opt.getOrDefault("stop-on-fail", "true"));
        inFlight = new Semaphore(intOpt("connections", 64));
        long plannedS = warmupS + (long) rates.size() * (settleS + stepS) + timeoutS + 30;
        long hardDeadline = System.nanoTime() + Duration.ofSeconds(plannedS + 60).toNanos();
        Thread watchdog = new Thread(() -> {
            while (System.nanoTime() < hardDeadline) {
                LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
            }
            System.err.println("Freshness: past its hard deadline (" + (plannedS + 60) + " s); exiting");
            Runtime.getRuntime().halt(3);
        }, "watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        try (KafkaConsumer<byte[], byte[]> kafka = kafkaConsumer();
                Connection db = DriverManager.getConnection(opt.get("jdbc"), "shoppulse_analytics",
                        env("db-password-env"))) {
            List<TopicPartition> tps = kafka.partitionsFor(TOPIC).stream()
                    .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
            partitions = tps.size();
            kafka.assign(tps); // never polled: assigned only so that endOffsets keeps quiet
            probePartition = partitionOf(opt.get("probe-tenant") + ":" + run + "-p0");
            refreshToken();
            // What the probe tenant's live view shows before any probe: a run right after another in the same minute
            // starts from that minute's count.
            JsonNode before = liveView();
            liveBaseline.put(Instant.parse(before.get("minute").asText()).getEpochSecond(),
                    before.get("events").asLong());

            List<Thread> threads = List.of(thread("load", this::loadLoop), thread("probe", this::probeLoop),
                    thread("spark-poll", () -> sparkPollLoop(db)), thread("live-poll", this::livePollLoop),
                    thread("spark-status", () -> statusLoop(kafka, tps)));
            threads.forEach(Thread::start);

            List<ObjectNode> steps = new ArrayList<>();
            log("warm-up: " + warmupS + " s at " + rates.get(0) + " events/s");
            setRate(rates.get(0));
            sleepS(warmupS);
            for (int i = 0; i < rates.size(); i++) {
                int rate = rates.get(i);
                setRate(rate);
                log("step " + (i + 1) + "/" + rates.size() + ": " + rate + " events/s (" + settleS + " s settling, "
                        + stepS + " s measured)");
                sleepS(settleS);
                Window w = Window.open(this, kafka, tps);
                currentStep = i;
                sleepS(stepS);
                currentStep = -1;
                w.close(this, kafka, tps);
                ObjectNode step = w.toJson(rate);
                steps.add(step);
                log("step " + (i + 1) + ": load " + step.get("load_events_per_s") + " events/s accepted, Spark's lag "
                        + step.get("lag_start") + " -> " + step.get("lag_end") + " (allowed growth "
                        + step.get("lag_allowed_growth") + ")");
                if (stopOnFail && w.laggedOrShort(rate) && i + 1 < rates.size()) {
                    log("step " + (i + 1) + " is not sustained (lag grew or load fell short); stopping here");
                    break;
                }
            }
            setRate(0);
            // Let the last probes resolve or time out: at most the probe timeout.
            long drainUntil = System.nanoTime() + Duration.ofSeconds(timeoutS + 1).toNanos();
            while (System.nanoTime() < drainUntil && probes.stream().anyMatch(p -> p.step >= 0 && open(p, timeoutS))) {
                sleepS(1);
            }
            stop = true;
            for (Thread t : threads) {
                t.join(10_000);
            }
            Lag after = lag(kafka, tps);
            // Per step: the probe figures, now that every probe has resolved or timed out.
            for (int i = 0; i < steps.size(); i++) {
                probeFigures(steps.get(i), i, timeoutS, stepS);
            }
            writeProbes();
            ObjectNode out = JSON.createObjectNode();
            out.put("run_id", run);
            out.put("probe_partition", probePartition);
            out.put("partitions", partitions);
            out.put("live_polls", livePolls.get());
            out.put("live_poll_errors", livePollErrors.get());
            out.put("spark_polls", sparkPolls.get());
            out.put("spark_poll_errors", sparkPollErrors.get());
            out.put("lag_after_drain", after.total);
            out.set("steps", JSON.valueToTree(steps));
            out.put("warmup_s", warmupS);
            Files.writeString(Path.of(opt.get("out")), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        }
    }

    private boolean open(Probe p, int timeoutS) {
        if (p.ackNanos < 0) {
            return p.status == 0 && System.nanoTime() - p.sentNanos < Duration.ofSeconds(timeoutS).toNanos();
        }
        boolean timedOut = System.nanoTime() - p.ackNanos > Duration.ofSeconds(timeoutS).toNanos();
        return !timedOut && (p.sparkNanos < 0 || p.liveNanos < 0 && !minuteToSpark.containsKey(p.minute));
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (RuntimeException e) {
                System.err.println("Freshness: thread " + name + " failed: " + e);
                e.printStackTrace();
            }
        }, name);
        t.setDaemon(true);
        return t;
    }

    private void sleepS(int seconds) {
        long until = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (!stop && System.nanoTime() < until) {
            LockSupport.parkNanos(Math.min(until - System.nanoTime(), 200_000_000L));
        }
    }

    private void setRate(int eventsPerS) {
        int batch = intOpt("batch", 50);
        intervalNanos = eventsPerS <= 0 ? -1 : Math.max(1, 1_000_000_000L * batch / eventsPerS);
    }

    // --- load -------------------------------------------------------------------------------------------------------

    private void loadLoop() {
        URI uri = URI.create(opt.get("collector") + "/v1/events");
        String key = env("load-key-env");
        int batch = intOpt("batch", 50);
        int sessions = intOpt("sessions", 20000);
        int perSession = intOpt("session-events", 20);
        long event = 0;
        long next = System.nanoTime();
        long interval = -1;
        while (!stop) {
            long now = System.nanoTime();
            if (intervalNanos != interval) {
                interval = intervalNanos;
                next = now;
            }
            if (interval < 0) {
                LockSupport.parkNanos(10_000_000L);
                continue;
            }
            // Fire every request that is due; a request that finds every connection busy is skipped (open loop: the
            // schedule never waits for answers), and counted.
            int fired = 0;
            while (next <= now && fired < 1000) {
                next += interval;
                fired++;
                if (!inFlight.tryAcquire()) {
                    loadSkipped.incrementAndGet();
                    continue;
                }
                String body = batchBody(event, batch, sessions, perSession);
                event += batch;
                loadRequests.incrementAndGet();
                loadEvents.addAndGet(batch);
                HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json").header("X-ShopPulse-Key", key)
                        .header("User-Agent", UA).POST(HttpRequest.BodyPublishers.ofString(body)).build();
                loadClient.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                    inFlight.release();
                    if (error != null) {
                        loadErrors.incrementAndGet();
                    } else if (response.statusCode() == 202) {
                        loadAccepted.addAndGet(acceptedIn(response.body()));
                    } else {
                        loadNon202.incrementAndGet();
                    }
                });
            }
            if (next < now - 1_000_000_000L) {
                // More than a second behind (the machine is saturated): the missed requests are skipped, not sent late.
                long behind = (now - next) / interval;
                loadSkipped.addAndGet(behind);
                next += behind * interval;
            }
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    private static long acceptedIn(String body) {
        int at = body.indexOf("\"accepted\":");
        if (at < 0) {
            return 0;
        }
        int i = at + 11;
        while (i < body.length() && body.charAt(i) == ' ') {
            i++;
        }
        long n = 0;
        while (i < body.length() && Character.isDigit(body.charAt(i))) {
            n = n * 10 + (body.charAt(i++) - '0');
        }
        return n;
    }

    /**
     * A batch of realistic events: SESSIONS session slots in turn, each a session of PER_SESSION events (a landing
     * page view first, then page and product views, a cart addition and a purchase) before a new session takes the
     * slot, so sessions stay a realistic size whatever the rate.
     */
    private String batchBody(long first, int batch, int sessions, int perSession) {
        String now = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        StringBuilder b = new StringBuilder(batch * 420).append('[');
        for (int i = 0; i < batch; i++) {
            long e = first + i;
            long slot = e % sessions;
            long nth = e / sessions;
            long session = nth / perSession;
            int kind = (int) (nth % perSession) % 10;
            String sid = run + "-" + slot + "-" + session;
            int product = (int) ((e * 13) % 5000);
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"event_id\":\"").append(uuid("a", e)).append("\",\"timestamp\":\"").append(now)
                    .append("\",\"sent_at\":\"").append(now).append("\",\"anonymous_id\":\"v").append(sid)
                    .append("\",\"session_id\":\"").append(sid).append('"');
            if (kind < 5) {
                b.append(",\"type\":\"page_view\",\"page\":{\"url\":\"https://shop.example.com/c/").append(product % 40)
                        .append("\",\"path\":\"/c/").append(product % 40).append("\",\"title\":\"Category ")
                        .append(product % 40).append("\",\"referrer\":\"https://www.google.com/\"},")
                        .append("\"utm\":{\"source\":\"google\",\"medium\":\"cpc\",\"campaign\":\"winter\"}}");
            } else if (kind < 9) {
                b.append(",\"type\":\"").append(kind < 8 ? "view_item" : "add_to_cart")
                        .append("\",\"page\":{\"url\":\"https://shop.example.com/p/").append(product)
                        .append("\"},\"items\":[{\"item_id\":\"SKU-").append(product).append("\",\"item_name\":\"Product ")
                        .append(product).append("\",\"item_category\":\"Shoes/Running\",\"price\":49.90,\"quantity\":1}],")
                        .append("\"value\":49.90,\"currency\":\"EUR\"}");
            } else {
                b.append(",\"type\":\"purchase\",\"transaction_id\":\"T").append(run).append('-').append(e)
                        .append("\",\"items\":[{\"item_id\":\"SKU-").append(product)
                        .append("\",\"price\":49.90,\"quantity\":2}],\"value\":99.80,\"currency\":\"EUR\"}");
            }
        }
        return b.append(']').toString();
    }

    /** A UUID-shaped event id: the run, a tag for load or probe, and a counter. */
    private String uuid(String tag, long n) {
        String hex = Long.toHexString(n);
        String counter = "000000000000".substring(Math.min(12, hex.length())) + hex;
        return run + "-" + (tag.equals("a") ? "a0a0" : "b0b0") + "-4000-8000-" + counter;
    }

    // --- probes -----------------------------------------------------------------------------------------------------

    /** A probe every PROBE_EVERY ms, each sent only once the one before was answered (so Kafka holds them in order). */
    private void probeLoop() {
        URI uri = URI.create(opt.get("collector") + "/v1/events");
        String key = env("probe-key-env");
        long every = Duration.ofMillis(intOpt("probe-every-ms", 200)).toNanos();
        String tenant = opt.get("probe-tenant");
        long next = System.nanoTime();
        int n = 0;
        int candidate = 0;
        while (!stop && n < 100_000) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            next = Math.max(next + every, System.nanoTime());
            if (intervalNanos < 0 && currentStep < 0) {
                continue; // load stopped: no more probes
            }
            // A session id whose key lands on the probe partition: one partition keeps the probes in send order.
            String session;
            do {
                session = run + "-p" + candidate++;
            } while (partitionOf(tenant + ":" + session) != probePartition);
            Instant ts = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            Probe p = new Probe(n, currentStep, session, uuid("b", n), ts);
            n++;
            List<Probe> ofMinute = probesByMinute.computeIfAbsent(p.minute, m -> new CopyOnWriteArrayList<>());
            p.rankInMinute = ofMinute.size() + 1;
            ofMinute.add(p);
            probes.add(p);
            // No sent_at: the collector then keeps the timestamp as occurred_at, so the probe's minute is known exactly.
            String body = "[{\"event_id\":\"" + p.eventId + "\",\"type\":\"page_view\",\"timestamp\":\"" + ts
                    + "\",\"anonymous_id\":\"v" + session + "\",\"session_id\":\"" + session
                    + "\",\"page\":{\"url\":\"https://probe.example.com/\",\"path\":\"/\",\"title\":\"Probe\"}}]";
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15))
                    .header("Content-Type", "application/json").header("X-ShopPulse-Key", key).header("User-Agent", UA)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            p.sentNanos = System.nanoTime();
            try {
                HttpResponse<String> response = probeClient.send(request, HttpResponse.BodyHandlers.ofString());
                long at = System.nanoTime();
                p.status = response.statusCode();
                if (response.statusCode() == 202 && acceptedIn(response.body()) == 1) {
                    p.ackNanos = at;
                } else {
                    // It may or may not be in Kafka: the minute's count can no longer be read probe by probe.
                    minuteTainted.put(p.minute, true);
                }
            } catch (IOException e) {
                p.status = -1;
                minuteTainted.put(p.minute, true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** Spark lane: the probe sessions' rows in analytics.sessions, for every probe still waiting, every POLL ms. */
    private void sparkPollLoop(Connection db) {
        long poll = Duration.ofMillis(intOpt("poll-ms", 25)).toNanos();
        long timeout = Duration.ofSeconds(intOpt("probe-timeout-s", 60)).toNanos();
        String sql = "SELECT session_id FROM analytics.sessions WHERE tenant_id = ?::uuid AND started_at >= ? "
                + "AND session_id = ANY(?)";
        try (PreparedStatement st = db.prepareStatement(sql)) {
            st.setString(1, opt.get("probe-tenant"));
            st.setTimestamp(2, Timestamp.from(runStart.minus(1, ChronoUnit.MINUTES)));
            while (!stop) {
                long started = System.nanoTime();
                Map<String, Probe> waiting = new HashMap<>();
                for (Probe p : probes) {
                    if (p.sparkNanos < 0 && p.ackNanos >= 0 && started - p.ackNanos < timeout) {
                        waiting.put(p.session, p);
                    }
                }
                if (!waiting.isEmpty()) {
                    try {
                        Array ids = db.createArrayOf("text", waiting.keySet().toArray());
                        st.setArray(3, ids);
                        try (ResultSet rs = st.executeQuery()) {
                            long at = System.nanoTime();
                            while (rs.next()) {
                                Probe p = waiting.get(rs.getString(1));
                                if (p != null && p.sparkNanos < 0) {
                                    p.sparkNanos = at;
                                }
                            }
                        }
                        sparkPolls.incrementAndGet();
                    } catch (SQLException e) {
                        sparkPollErrors.incrementAndGet();
                    }
                }
                long wait = started + poll - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Live lane: the probe tenant's /v1/live every POLL ms. The current minute's `events`, and a closed minute's in
     * `recent` while its source is still "live" (once Spark's rows replace it, its count says nothing about the lane).
     */
    private void livePollLoop() {
        long poll = Duration.ofMillis(intOpt("poll-ms", 25)).toNanos();
        while (!stop) {
            long started = System.nanoTime();
            try {
                if (started - tokenAt > Duration.ofSeconds(60).toNanos()) {
                    refreshToken();
                }
                JsonNode view = liveView();
                long at = System.nanoTime();
                livePolls.incrementAndGet();
                observe(Instant.parse(view.get("minute").asText()).getEpochSecond(), view.get("events").asLong(), at);
                for (JsonNode m : view.get("recent")) {
                    long minute = Instant.parse(m.get("minute").asText()).getEpochSecond();
                    if (!probesByMinute.containsKey(minute)) {
                        continue;
                    }
                    if ("live".equals(m.get("source").asText())) {
                        observe(minute, m.get("events").asLong(), at);
                    } else {
                        minuteToSpark.putIfAbsent(minute, true);
                    }
                }
            } catch (IOException | RuntimeException e) {
                livePollErrors.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long wait = started + poll - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    /** The minute counts `events` probes beyond its baseline: the first that many probes of it have arrived. */
    private void observe(long minute, long events, long at) {
        List<Probe> ofMinute = probesByMinute.get(minute);
        if (ofMinute == null || minuteToSpark.containsKey(minute)) {
            return;
        }
        long counted = events - liveBaseline.getOrDefault(minute, 0L);
        for (Probe p : ofMinute) {
            if (p.rankInMinute > counted) {
                break;
            }
            if (p.liveNanos < 0) {
                p.liveNanos = at;
            }
        }
    }

    private JsonNode liveView() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(opt.get("analytics") + "/v1/live"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token).GET().build();
        HttpResponse<String> response = probeClient.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 401) {
            refreshToken();
        }
        if (response.statusCode() != 200) {
            throw new IOException("/v1/live answered " + response.statusCode());
        }
        return JSON.readTree(response.body());
    }

    private void refreshToken() throws IOException, InterruptedException {
        String form = "grant_type=password&client_id=shoppulse-cli&username="
                + URLEncoder.encode(opt.get("probe-user"), StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(env("probe-password-env"), StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(opt.get("keycloak") + "/realms/" + opt.get("realm")
                + "/protocol/openid-connect/token")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        HttpResponse<String> response = probeClient.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("Keycloak refused the probe user a token: " + response.statusCode());
        }
        token = JSON.readTree(response.body()).get("access_token").asText();
        tokenAt = System.nanoTime();
    }

    // --- Spark's lag and status -------------------------------------------------------------------------------------

    record Lag(long total, long committedBatch) {
    }

    private KafkaConsumer<byte[], byte[]> kafkaConsumer() {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, opt.get("bootstrap"));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-freshness");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The traffic query's lag: the topic's end offsets minus the offsets its last committed batch read up to. */
    synchronized Lag lag(KafkaConsumer<byte[], byte[]> kafka, List<TopicPartition> tps) {
        Map<TopicPartition, Long> end = kafka.endOffsets(tps);
        Path dir = Path.of(opt.get("checkpoint"));
        long batch = latest(dir.resolve("commits"));
        long total = 0;
        try {
            List<String> lines = Files.readAllLines(dir.resolve("offsets").resolve(String.valueOf(batch)));
            JsonNode offsets = null;
            for (String line : lines) {
                if (line.startsWith("{\"" + TOPIC + "\"")) {
                    offsets = JSON.readTree(line).get(TOPIC);
                }
            }
            for (TopicPartition tp : tps) {
                long done = offsets == null || offsets.get(String.valueOf(tp.partition())) == null ? 0
                        : offsets.get(String.valueOf(tp.partition())).asLong();
                total += Math.max(0, end.get(tp) - done);
            }
        } catch (IOException e) {
            return new Lag(-1, batch);
        }
        return new Lag(total, batch);
    }

    private static long latest(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(s -> s.matches("\\d+")).mapToLong(Long::parseLong)
                    .max().orElse(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Every second: the traffic query's lag; and its last progress (status file) whenever a new batch shows. */
    private void statusLoop(KafkaConsumer<byte[], byte[]> kafka, List<TopicPartition> tps) {
        long lastBatch = -1;
        while (!stop) {
            try {
                lagSamples.add(new long[] {elapsedMs(), lag(kafka, tps).total});
                JsonNode status = JSON.readTree(Files.readString(Path.of(opt.get("status"))));
                for (JsonNode q : status.get("queries")) {
                    if ("traffic".equals(q.get("name").asText()) && q.get("batch_id").asLong() != lastBatch) {
                        lastBatch = q.get("batch_id").asLong();
                        sparkSamples.add(((ObjectNode) q.deepCopy()).put("sampled_ms", elapsedMs()));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // A status file caught mid-rewrite: the next sample.
            }
            sleepS(1);
        }
    }

    /** The smallest lag sampled in [fromMs, toMs]: the lag right after a batch, free of the batches' saw-tooth. */
    long minLag(long fromMs, long toMs, long fallback) {
        return lagSamples.stream().filter(x -> x[0] >= fromMs && x[0] <= toMs && x[1] >= 0).mapToLong(x -> x[1]).min()
                .orElse(fallback);
    }

    // --- CPU --------------------------------------------------------------------------------------------------------

    /** CPU ticks used so far: the machine's busy ticks, and per process name (the launcher's pid files, postgres). */
    static Map<String, Long> cpuTicks(Path runDir) {
        Map<String, Long> ticks = new TreeMap<>();
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            long all = 0;
            for (int i = 1; i < cpu.length && i <= 8; i++) {
                long v = Long.parseLong(cpu[i]);
                all += v;
                if (i != 4 && i != 5) {
                    busy += v; // everything but idle and iowait
                }
            }
            ticks.put("@busy", busy);
            ticks.put("@all", all);
        } catch (IOException e) {
            return ticks;
        }
        Map<Long, String> names = new HashMap<>();
        try (Stream<Path> pids = Files.list(runDir)) {
            for (Path f : pids.filter(f -> f.toString().endsWith(".pid")).toList()) {
                try {
                    names.put(Long.parseLong(Files.readString(f).trim()), f.getFileName().toString().replace(".pid", ""));
                } catch (IOException | NumberFormatException e) {
                    // gone
                }
            }
        } catch (IOException e) {
            // no pid files
        }
        names.put(ProcessHandle.current().pid(), "bench");
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    long pid = Long.parseLong(p.getFileName().toString());
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String name = names.getOrDefault(pid, comm.startsWith("postgres") ? "postgres" : null);
                    if (name == null) {
                        continue;
                    }
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                } catch (IOException | RuntimeException e) {
                    // the process ended meanwhile
                }
            }
        } catch (IOException e) {
            // no /proc
        }
        return ticks;
    }

    // --- a measured step --------------------------------------------------------------------------------------------

    static final class Window {
        long startNanos;
        long endNanos;
        long accepted0;
        long accepted1;
        long requests0;
        long requests1;
        long non202;
        long errors;
        long skipped;
        long sent0;
        long sent1;
        Lag lagStart;
        Lag lagEnd;
        Map<String, Long> cpu0;
        Map<String, Long> cpu1;
        long startMs;
        long endMs;
        Freshness f;

        static Window open(Freshness f, KafkaConsumer<byte[], byte[]> kafka, List<TopicPartition> tps) {
            Window w = new Window();
            w.f = f;
            w.lagStart = f.lag(kafka, tps);
            w.cpu0 = cpuTicks(Path.of(f.opt.get("run-dir")));
            w.startNanos = System.nanoTime();
            w.startMs = f.elapsedMs();
            w.accepted0 = f.loadAccepted.get();
            w.requests0 = f.loadRequests.get();
            w.sent0 = f.loadEvents.get();
            w.non202 = -f.loadNon202.get();
            w.errors = -f.loadErrors.get();
            w.skipped = -f.loadSkipped.get();
            return w;
        }

        void close(Freshness f, KafkaConsumer<byte[], byte[]> kafka, List<TopicPartition> tps) {
            endNanos = System.nanoTime();
            endMs = f.elapsedMs();
            accepted1 = f.loadAccepted.get();
            requests1 = f.loadRequests.get();
            sent1 = f.loadEvents.get();
            non202 += f.loadNon202.get();
            errors += f.loadErrors.get();
            skipped += f.loadSkipped.get();
            cpu1 = cpuTicks(Path.of(f.opt.get("run-dir")));
            lagEnd = f.lag(kafka, tps);
        }

        double seconds() {
            return (endNanos - startNanos) / 1e9;
        }

        double loadPerS() {
            return (accepted1 - accepted0) / seconds();
        }

        /** Lag at the window's edges: the least sampled in its first and last EDGE seconds (with the edge reads). */
        long edgeMs() {
            return Math.min(10_000, (endMs - startMs) / 3);
        }

        long lagAtStart() {
            return Math.min(lagStart.total, f.minLag(startMs, startMs + edgeMs(), lagStart.total));
        }

        long lagAtEnd() {
            return Math.min(lagEnd.total, f.minLag(endMs - edgeMs(), endMs, lagEnd.total));
        }

        /**
         * Spark keeps up when its lag at the end of the window is no more than two seconds of the load above the lag
         * at its start (a batch in flight at either edge); anything more is a backlog that grows with time.
         */
        long allowedGrowth() {
            return (long) Math.ceil(2 * loadPerS());
        }

        /** Lag that grew, or could not be read (-1), or a load that fell short: the step is not sustained. */
        boolean laggedOrShort(int target) {
            return lagAtStart() < 0 || lagAtEnd() < 0 || lagAtEnd() > lagAtStart() + allowedGrowth()
                    || loadPerS() < 0.9 * target;
        }

        ObjectNode toJson(int target) {
            ObjectNode s = JSON.createObjectNode();
            s.put("target_events_per_s", target);
            s.put("load_events_per_s", Math.round(loadPerS()));
            s.put("load_requests_per_s", Math.round((requests1 - requests0) / seconds()));
            s.put("load_sent_events", sent1 - sent0);
            s.put("load_non_202", non202);
            s.put("load_errors", errors);
            s.put("load_skipped_requests", skipped);
            s.put("measured_s", Math.round(seconds() * 10) / 10.0);
            s.put("lag_start", lagAtStart());
            s.put("lag_end", lagAtEnd());
            s.put("lag_at_open", lagStart.total);
            s.put("lag_at_close", lagEnd.total);
            s.put("lag_allowed_growth", allowedGrowth());
            // Spark's own progress reports of the traffic query during the window.
            List<JsonNode> in = f.sparkSamples.stream()
                    .filter(x -> x.get("sampled_ms").asLong() >= startMs && x.get("sampled_ms").asLong() <= endMs)
                    .collect(Collectors.toList());
            s.put("lag_max", Math.max(lagEnd.total, f.lagSamples.stream().filter(x -> x[0] >= startMs && x[0] <= endMs)
                    .mapToLong(x -> x[1]).max().orElse(0)));
            s.put("spark_batches", lagEnd.committedBatch - lagStart.committedBatch);
            s.put("spark_batch_ms_mean", Math.round(in.stream().mapToLong(x -> x.get("batch_ms").asLong()).average()
                    .orElse(0)));
            s.put("spark_batch_ms_max", in.stream().mapToLong(x -> x.get("batch_ms").asLong()).max().orElse(0));
            s.put("spark_rows_per_batch_mean", Math.round(in.stream().mapToLong(x -> x.get("input_rows").asLong())
                    .average().orElse(0)));
            s.put("spark_input_rows_per_s_mean", Math.round(in.stream()
                    .mapToDouble(x -> x.get("input_rows_per_s").asDouble()).average().orElse(0)));
            s.put("spark_processed_rows_per_s_mean", Math.round(in.stream()
                    .mapToDouble(x -> x.get("processed_rows_per_s").asDouble()).average().orElse(0)));
            ObjectNode cpu = s.putObject("cpu_cores_used");
            double hz = 100.0; // USER_HZ
            double secs = seconds();
            long all = cpu1.getOrDefault("@all", 0L) - cpu0.getOrDefault("@all", 0L);
            long busy = cpu1.getOrDefault("@busy", 0L) - cpu0.getOrDefault("@busy", 0L);
            s.put("cpu_busy_pct", all == 0 ? 0 : Math.round(1000.0 * busy / all) / 10.0);
            Map<String, Double> used = new TreeMap<>();
            for (Map.Entry<String, Long> e : cpu1.entrySet()) {
                if (!e.getKey().startsWith("@")) {
                    used.put(e.getKey(), Math.round((e.getValue() - cpu0.getOrDefault(e.getKey(), e.getValue()))
                            / hz / secs * 100) / 100.0);
                }
            }
            used.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .forEach(e -> cpu.put(e.getKey(), e.getValue()));
            return s;
        }
    }

    /** The step's probe figures: latencies from the 202 to the effect, nearest-rank percentiles, timeouts. */
    private void probeFigures(ObjectNode s, int step, int timeoutS, int stepS) {
        List<Probe> mine = probes.stream().filter(p -> p.step == step).toList();
        List<Double> ack = new ArrayList<>();
        List<Double> spark = new ArrayList<>();
        List<Double> live = new ArrayList<>();
        long acked = 0;
        long failed = 0;
        long sparkTimeouts = 0;
        long liveTimeouts = 0;
        long liveUnresolved = 0;
        long timeoutNanos = Duration.ofSeconds(timeoutS).toNanos();
        for (Probe p : mine) {
            if (p.ackNanos < 0) {
                failed++;
                continue;
            }
            acked++;
            ack.add((p.ackNanos - p.sentNanos) / 1e6);
            if (p.sparkNanos >= 0 && p.sparkNanos - p.ackNanos <= timeoutNanos) {
                spark.add(Math.max(0, p.sparkNanos - p.ackNanos) / 1e6);
            } else {
                sparkTimeouts++;
            }
            if (minuteTainted.containsKey(p.minute)) {
                liveUnresolved++;
            } else if (p.liveNanos >= 0 && p.liveNanos - p.ackNanos <= timeoutNanos) {
                // The lane may count a probe before its 202 reaches the bench: 0 then.
                live.add(Math.max(0, p.liveNanos - p.ackNanos) / 1e6);
            } else if (minuteToSpark.containsKey(p.minute)) {
                liveUnresolved++;
            } else {
                liveTimeouts++;
            }
        }
        s.put("probes", mine.size());
        s.put("probes_per_s", Math.round(mine.size() * 10.0 / stepS) / 10.0);
        s.put("probes_acked", acked);
        s.put("probes_failed", failed);
        s.put("probe_ack_p50_ms", pct(ack, 0.50));
        s.put("probe_ack_p99_ms", pct(ack, 0.99));
        s.put("spark_p50_ms", pct(spark, 0.50));
        s.put("spark_p99_ms", pct(spark, 0.99));
        s.put("spark_max_ms", pct(spark, 1.0));
        s.put("spark_seen", spark.size());
        s.put("spark_timeouts", sparkTimeouts);
        s.put("live_p50_ms", pct(live, 0.50));
        s.put("live_p99_ms", pct(live, 0.99));
        s.put("live_max_ms", pct(live, 1.0));
        s.put("live_seen", live.size());
        s.put("live_timeouts", liveTimeouts);
        s.put("live_unresolved", liveUnresolved);
        long target = s.get("target_events_per_s").asLong();
        List<String> why = new ArrayList<>();
        if (s.get("lag_start").asLong() < 0 || s.get("lag_end").asLong() < 0) {
            why.add("spark lag not measured");
        } else if (s.get("lag_end").asLong() > s.get("lag_start").asLong() + s.get("lag_allowed_growth").asLong()) {
            why.add("spark lag grew");
        }
        if (sparkTimeouts > 0) {
            why.add("spark probes timed out");
        }
        if (liveTimeouts > 0) {
            why.add("live probes timed out");
        }
        if (failed > 0) {
            why.add("probes refused by the collector");
        }
        if (s.get("load_events_per_s").asLong() < 0.9 * target) {
            why.add("load below 90% of target");
        }
        s.put("sustained", why.isEmpty());
        ArrayNode reasons = s.putArray("not_sustained_because");
        why.forEach(reasons::add);
    }

    private static Double pct(List<Double> values, double p) {
        if (values.isEmpty()) {
            return null;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p * sorted.size());
        return Math.round(sorted.get(Math.max(0, rank - 1)) * 10) / 10.0;
    }

    /** Every probe, one per line, for a closer look: .shoppulse/bench/freshness-RUN-probes.tsv. */
    private void writeProbes() throws IOException {
        Path file = Path.of(opt.get("out") + ".probes.tsv");
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
            w.println("index\tstep\tsession\ttimestamp\trank_in_minute\tstatus\tack_ms\tspark_ms\tlive_ms");
            for (Probe p : probes) {
                w.printf("%d\t%d\t%s\t%s\t%d\t%d\t%s\t%s\t%s%n", p.index, p.step, p.session, p.timestamp,
                        p.rankInMinute, p.status, p.ackNanos < 0 ? "" : String.valueOf((p.ackNanos - p.sentNanos) / 1e6),
                        p.ackNanos < 0 || p.sparkNanos < 0 ? "" : String.valueOf((p.sparkNanos - p.ackNanos) / 1e6),
                        p.ackNanos < 0 || p.liveNanos < 0 ? "" : String.valueOf((p.liveNanos - p.ackNanos) / 1e6));
            }
        }
    }
}
