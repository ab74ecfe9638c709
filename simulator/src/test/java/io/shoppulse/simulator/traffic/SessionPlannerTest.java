package io.shoppulse.simulator.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import io.shoppulse.simulator.model.Event;
import io.shoppulse.simulator.model.Item;
import io.shoppulse.simulator.model.Json;
import io.shoppulse.simulator.model.Money;
import io.shoppulse.simulator.model.OrderMessages;
import io.shoppulse.simulator.shop.Shop;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class SessionPlannerTest {

    private static final Instant START = Instant.parse("2026-03-04T18:30:00Z");
    private static final SessionPlanner PLANNER = new SessionPlanner(Duration.ofSeconds(4));

    /** Sessions of all three shops, one generator per session as the engine does. */
    private static List<SessionPlan> sessions(long seed, int n) {
        List<Shop> shops = Shops.three();
        SplittableRandom root = new SplittableRandom(seed);
        List<SessionPlan> plans = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SplittableRandom random = root.split();
            Shop shop = shops.get(i % shops.size());
            SessionPlan plan = PLANNER.plan(shop, shop.visitorFor(random, 0.32), random, START.plusSeconds(i));
            plan.visitor().endVisit();
            plans.add(plan);
        }
        return plans;
    }

    @Test
    void everyEventFollowsTheContract() {
        int checked = 0;
        for (SessionPlan plan : sessions(7, 3000)) {
            for (Event e : plan.events()) {
                JsonNode json = Json.MAPPER.valueToTree(e.sent(START));
                assertThat(Contract.check(json)).as("%s", json).isEmpty();
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(10_000);
    }

    @Test
    void sessionsAreOrderedAndConsistent() {
        for (SessionPlan plan : sessions(11, 3000)) {
            List<Event> events = plan.events();
            assertThat(events).isNotEmpty();
            assertThat(events.stream().filter(e -> !e.type().equals("login")).findFirst().orElseThrow().type())
                    .isEqualTo("page_view");
            Instant previous = Instant.MIN;
            for (Event e : events) {
                assertThat(e.sessionId()).isEqualTo(plan.sessionId());
                assertThat(e.anonymousId()).isEqualTo(plan.visitor().anonymousId());
                assertThat(e.timestamp()).isAfter(previous);
                previous = e.timestamp();
            }
            for (SessionPlan.Step step : plan.steps()) {
                assertThat(step.at()).isEqualTo(step.events().get(0).timestamp());
                assertThat(step.events()).hasSizeLessThanOrEqualTo(4); // one page per POST: a few events
            }
            List<String> types = events.stream().map(Event::type).toList();
            if (types.contains("purchase")) {
                int purchase = types.indexOf("purchase");
                assertThat(types.subList(0, purchase)).contains("add_to_cart", "begin_checkout", "add_shipping_info",
                        "add_payment_info");
                assertThat(types.indexOf("begin_checkout")).isLessThan(types.indexOf("add_shipping_info"));
                assertThat(types.indexOf("add_shipping_info")).isLessThan(types.indexOf("add_payment_info"));
                assertThat(purchase).isEqualTo(types.size() - 1);
            }
            if (types.contains("begin_checkout")) {
                assertThat(types.indexOf("add_to_cart")).isLessThan(types.indexOf("begin_checkout"));
            }
        }
    }

    @Test
    void thePurchaseEventAndTheOrderAgree() {
        int purchases = 0;
        for (SessionPlan plan : sessions(13, 6000)) {
            List<SessionPlan.Step> withOrder = plan.steps().stream().filter(s -> s.order() != null).toList();
            List<Event> purchaseEvents = plan.events().stream().filter(e -> e.type().equals("purchase")).toList();
            assertThat(withOrder).hasSameSizeAs(purchaseEvents).hasSizeLessThanOrEqualTo(1);
            if (withOrder.isEmpty()) {
                continue;
            }
            purchases++;
            OrderMessages.Placed order = withOrder.get(0).order();
            Event purchase = purchaseEvents.get(0);
            String currency = plan.shop().currency();
            assertThat(order.orderId()).isEqualTo(purchase.transactionId());
            assertThat(order.currency()).isEqualTo(purchase.currency()).isEqualTo(currency);
            assertThat(order.sessionId()).isEqualTo(plan.sessionId());
            assertThat(order.anonymousId()).isEqualTo(plan.visitor().anonymousId());
            assertThat(order.customerId()).isEqualTo(purchase.userId());
            assertThat(order.placedAt()).isEqualTo(withOrder.get(0).at());
            // The total in exact decimals: Σ unit price × quantity − Σ line discount + tax + shipping.
            BigDecimal total = order.tax().add(order.shipping());
            for (OrderMessages.Line line : order.lines()) {
                total = total.add(line.unitPrice().multiply(BigDecimal.valueOf(line.quantity())))
                        .subtract(line.discount());
            }
            assertThat(purchase.value()).isEqualByComparingTo(total);
            assertThat(purchase.tax()).isEqualByComparingTo(order.tax());
            assertThat(purchase.shipping()).isEqualByComparingTo(order.shipping());
            assertThat(purchase.items()).hasSameSizeAs(order.lines());
            for (int i = 0; i < order.lines().size(); i++) {
                OrderMessages.Line line = order.lines().get(i);
                Item item = purchase.items().get(i);
                assertThat(item.itemId()).isEqualTo(line.sku());
                assertThat(item.quantity()).isEqualTo(line.quantity());
                BigDecimal perUnitDiscount = item.discount() == null ? BigDecimal.ZERO : item.discount();
                assertThat(item.price().add(perUnitDiscount)).isEqualByComparingTo(line.unitPrice());
                assertThat(perUnitDiscount.multiply(BigDecimal.valueOf(line.quantity())))
                        .isEqualByComparingTo(line.discount());
            }
            // Money never has more decimals than the currency: none for JPY.
            int decimals = Money.decimals(currency);
            assertThat(purchase.value().scale()).isLessThanOrEqualTo(decimals);
            assertThat(order.tax().scale()).isLessThanOrEqualTo(decimals);
            assertThat(order.shipping().scale()).isLessThanOrEqualTo(decimals);
            order.lines().forEach(l -> {
                assertThat(l.unitPrice().scale()).isLessThanOrEqualTo(decimals);
                assertThat(l.discount().scale()).isLessThanOrEqualTo(decimals);
            });
        }
        assertThat(purchases).isGreaterThan(60);
    }

    @Test
    void ratesLookLikeARealShop() {
        List<SessionPlan> plans = sessions(17, 30_000);
        long carts = plans.stream().filter(p -> p.has("add_to_cart")).count();
        long purchases = plans.stream().filter(SessionPlan::purchased).count();
        long bounces = plans.stream().filter(p -> p.steps().size() == 1).count();
        double conversion = (double) purchases / plans.size();
        double abandonment = 1 - (double) purchases / carts;
        assertThat(conversion).as("session conversion").isBetween(0.018, 0.035);
        assertThat(abandonment).as("cart abandonment").isBetween(0.62, 0.78);
        assertThat((double) bounces / plans.size()).as("bounce rate").isBetween(0.3, 0.5);
        double meanSteps = plans.stream().mapToInt(p -> p.steps().size()).average().orElseThrow();
        assertThat(meanSteps).as("pages per session").isBetween(2.5, 8.0);
    }

    @Test
    void theSameSeedGivesTheSameSessions() throws Exception {
        String first = Json.MAPPER.writeValueAsString(sessions(99, 500).stream().map(SessionPlan::events).toList());
        String again = Json.MAPPER.writeValueAsString(sessions(99, 500).stream().map(SessionPlan::events).toList());
        String other = Json.MAPPER.writeValueAsString(sessions(100, 500).stream().map(SessionPlan::events).toList());
        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void aThirdOfTheSessionsAreReturningVisitors() {
        List<SessionPlan> plans = sessions(23, 3000);
        long visitors = plans.stream().map(p -> p.visitor().anonymousId()).distinct().count();
        double returning = 1 - (double) visitors / plans.size();
        assertThat(returning).isBetween(0.2, 0.45);
        // A returning visitor's sessions all carry the anonymous id of the first one.
        plans.forEach(p -> assertThat(p.events()).allSatisfy(e -> assertThat(e.anonymousId())
                .isEqualTo(p.visitor().anonymousId())));
    }
}
