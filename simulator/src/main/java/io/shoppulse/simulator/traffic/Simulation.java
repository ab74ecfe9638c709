package io.shoppulse.simulator.traffic;

import io.shoppulse.simulator.client.CollectorClient;
import io.shoppulse.simulator.client.OrderPublisher;
import io.shoppulse.simulator.model.Event;
import io.shoppulse.simulator.shop.Shop;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Plays the shops' traffic on the clock: new sessions arrive as a Poisson process at the configured rate (times
 * each shop's seasonality), each session's pages happen at their planned moments, their events go to the collector
 * one page per POST, and a purchase publishes its order.placed and schedules the order's later steps. Everything
 * runs on one small scheduled pool; nothing blocks on the network (the HTTP client is asynchronous, RabbitMQ has
 * its own thread).
 */
public final class Simulation {

    private static final Logger LOG = Logger.getLogger(Simulation.class);
    private static final Duration TICK = Duration.ofMillis(100);
    /** A session whose events could not be delivered this long after it ended gives them up. */
    private static final Duration GIVE_UP = Duration.ofMinutes(5);
    private static final int MAX_ACTIVE = 5000;
    private static final double RETURNING = 0.32;

    /** What the engine needs to know: rate (sessions/s, weekly mean), seasonality, batch size. */
    public record Settings(double rate, boolean seasonality, int batchSize) {
    }

    private final List<Shop> shops;
    private final double[] weights;
    private final Settings settings;
    private final SessionPlanner planner;
    private final OrderLifecycle lifecycle;
    private final CollectorClient collector;
    private final OrderPublisher publisher;
    private final Stats stats;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final SplittableRandom arrivals;
    private final SplittableRandom sessionSeeds;
    private final Set<Live> live = ConcurrentHashMap.newKeySet();
    private final AtomicInteger scheduledSteps = new AtomicInteger();
    private volatile boolean arriving;
    private volatile BiConsumer<Shop, List<Event>> onAccepted = (shop, events) -> {
    };

    public Simulation(List<Shop> shops, Settings settings, SessionPlanner planner, OrderLifecycle lifecycle,
            CollectorClient collector, OrderPublisher publisher, Stats stats, Clock clock,
            ScheduledExecutorService scheduler, long seed) {
        this.shops = List.copyOf(shops);
        this.settings = settings;
        this.planner = planner;
        this.lifecycle = lifecycle;
        this.collector = collector;
        this.publisher = publisher;
        this.stats = stats;
        this.clock = clock;
        this.scheduler = scheduler;
        SplittableRandom root = new SplittableRandom(seed);
        this.arrivals = root.split();
        this.sessionSeeds = root.split();
        // The demo tenant gets the most traffic: shares 1, 1/2, 1/3, ... normalised.
        this.weights = new double[shops.size()];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            weights[i] = 1.0 / (i + 1);
            sum += weights[i];
        }
        for (int i = 0; i < weights.length; i++) {
            weights[i] /= sum;
        }
    }

    /** Called with the events the collector accepted (for checks and tests). */
    public void onAccepted(BiConsumer<Shop, List<Event>> listener) {
        this.onAccepted = listener;
    }

    public void start() {
        arriving = true;
        scheduler.scheduleAtFixedRate(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** No new sessions from now on; those under way go on. */
    public void stopArrivals() {
        arriving = false;
    }

    /** Sessions playing or still delivering their events. */
    public int active() {
        return live.size();
    }

    /** Order steps still due later. */
    public int scheduledOrderSteps() {
        return scheduledSteps.get();
    }

    private void tick() {
        if (!arriving) {
            return;
        }
        try {
            Instant now = clock.instant();
            for (int i = 0; i < shops.size(); i++) {
                Shop shop = shops.get(i);
                double factor = settings.seasonality() ? Seasonality.multiplier(now.atZone(shop.zone())) : 1.0;
                int n = poisson(settings.rate() * weights[i] * factor * TICK.toMillis() / 1000.0);
                for (int k = 0; k < n; k++) {
                    begin(shop, now);
                }
            }
        } catch (RuntimeException e) {
            LOG.error("Starting sessions failed", e); // the next tick tries again
        }
    }

    private void begin(Shop shop, Instant now) {
        SplittableRandom random = sessionSeeds.split();
        if (!collector.open(shop.tenant()) || live.size() >= MAX_ACTIVE) {
            stats.sessionsSkipped.increment(); // the collector is down or slow: hold back, do not pile up
            return;
        }
        SessionPlan plan = planner.plan(shop, shop.visitorFor(random, RETURNING), random, now);
        Live session = new Live(plan, random.split());
        live.add(session);
        stats.sessionsStarted.increment();
        stats.sessionsActive.incrementAndGet();
        session.next();
    }

    private int poisson(double lambda) {
        double limit = Math.exp(-lambda);
        double p = 1;
        int k = 0;
        do {
            k++;
            p *= arrivals.nextDouble();
        } while (p > limit);
        return k - 1;
    }

    /** One session being played: its next step, and the events still to deliver (one POST in flight at most). */
    private final class Live {
        private final SessionPlan plan;
        private final SplittableRandom random;
        private final Deque<Event> undelivered = new ArrayDeque<>();
        private int nextStep;
        private boolean sending;
        private boolean retryScheduled;
        private Instant endedAt;

        Live(SessionPlan plan, SplittableRandom random) {
            this.plan = plan;
            this.random = random;
        }

        /** Plays the due step and schedules the one after. */
        synchronized void next() {
            SessionPlan.Step step = plan.steps().get(nextStep++);
            undelivered.addAll(step.events());
            if (step.order() != null) {
                placeOrder(step);
            }
            if (nextStep < plan.steps().size()) {
                long delay = Duration.between(clock.instant(), plan.steps().get(nextStep).at()).toMillis();
                scheduler.schedule(this::next, Math.max(0, delay), TimeUnit.MILLISECONDS);
            } else {
                endedAt = clock.instant();
                plan.visitor().endVisit();
                stats.sessionsActive.decrementAndGet();
            }
            flush();
        }

        private void placeOrder(SessionPlan.Step step) {
            String tenant = plan.shop().tenant().id();
            Instant placed = clock.instant();
            for (OrderLifecycle.Message m : lifecycle.plan(step.order(), random)) {
                long delay = Duration.between(step.order().placedAt(), m.due()).toMillis();
                if (delay <= 0) {
                    publisher.publish(tenant, m);
                } else {
                    scheduledSteps.incrementAndGet();
                    long sinceNow = delay - Duration.between(step.order().placedAt(), placed).toMillis();
                    scheduler.schedule(() -> {
                        scheduledSteps.decrementAndGet();
                        publisher.publish(tenant, m);
                    }, Math.max(0, sinceNow), TimeUnit.MILLISECONDS);
                }
            }
        }

        synchronized void flush() {
            if (sending || retryScheduled) {
                return;
            }
            if (undelivered.isEmpty()) {
                if (endedAt != null) {
                    live.remove(this);
                }
                return;
            }
            if (endedAt != null && Duration.between(endedAt, clock.instant()).compareTo(GIVE_UP) > 0) {
                stats.eventsDropped.add(undelivered.size());
                undelivered.clear();
                live.remove(this);
                return;
            }
            List<Event> batch = new ArrayList<>(Math.min(undelivered.size(), settings.batchSize()));
            for (Event e : undelivered) {
                if (batch.size() == settings.batchSize()) {
                    break;
                }
                batch.add(e);
            }
            sending = true;
            stats.posts.increment();
            collector.send(plan.shop().tenant(), plan.visitor().device().userAgent(), batch)
                    .whenComplete((result, failure) -> done(batch, result, failure));
        }

        private synchronized void done(List<Event> batch, CollectorClient.Result result, Throwable failure) {
            sending = false;
            if (failure != null) {
                LOG.error("Sending events failed unexpectedly; they are dropped", failure);
                drop(batch.size());
            } else if (result instanceof CollectorClient.Accepted a) {
                stats.eventsSent.add(batch.size());
                stats.eventsAccepted.add(batch.size() - a.rejected().size());
                stats.eventsRejected.add(a.rejected().size());
                List<Event> accepted = new ArrayList<>();
                for (int i = 0; i < batch.size(); i++) {
                    if (!a.rejected().contains(i)) {
                        accepted.add(batch.get(i));
                        if ("purchase".equals(batch.get(i).type())) {
                            stats.purchaseAccepted(batch.get(i).transactionId());
                        }
                    }
                }
                remove(batch.size());
                onAccepted.accept(plan.shop(), accepted);
            } else if (result instanceof CollectorClient.Retry r) {
                stats.postRetries.increment();
                retryScheduled = true;
                scheduler.schedule(() -> {
                    synchronized (this) {
                        retryScheduled = false;
                    }
                    flush();
                }, r.after().toMillis(), TimeUnit.MILLISECONDS);
                return;
            } else {
                drop(batch.size());
            }
            scheduler.execute(this::flush);
        }

        private void drop(int n) {
            stats.eventsDropped.add(n);
            remove(n);
        }

        private void remove(int n) {
            for (int i = 0; i < n; i++) {
                undelivered.pollFirst();
            }
        }
    }
}
