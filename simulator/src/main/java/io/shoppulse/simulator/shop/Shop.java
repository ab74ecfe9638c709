package io.shoppulse.simulator.shop;

import io.shoppulse.simulator.config.TenantSpec;
import io.shoppulse.simulator.model.Ids;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * One simulated tenant: its write key, currency, catalogue, coupons, where its shoppers live, and the visitors it
 * has seen so far (a returning visitor keeps the anonymous id of the first visit).
 */
public final class Shop {

    public record Coupon(String code, int percent) {
    }

    private record Profile(String currency, String zone, String[] countries, double[] countryShares,
            String domain, int taxPercent) {
    }

    /** The n-th tenant's kind of shop: EUR in Europe, USD in North America, JPY in Japan, then again. */
    private static final Profile[] PROFILES = {
            new Profile("EUR", "Europe/Berlin", new String[]{"DE", "FR", "NL", "AT", "ES", "IT", "BE"},
                    new double[]{0.40, 0.15, 0.12, 0.10, 0.09, 0.08, 0.06}, "demo-shop.example.com", 19),
            new Profile("USD", "America/New_York", new String[]{"US", "CA"}, new double[]{0.85, 0.15},
                    "other-shop.example.com", 7),
            new Profile("JPY", "Asia/Tokyo", new String[]{"JP"}, new double[]{1.0}, "tokyo-shop.example.com", 10)};

    private static final int MAX_KNOWN = 100_000;

    private final TenantSpec tenant;
    private final int number;
    private final Profile profile;
    private final Catalog catalog;
    private final List<Coupon> coupons;
    private final List<Visitor> known = new ArrayList<>();

    /** {@code number} counts from 1 (the demo tenant). The catalogue depends only on the tenant, not on the run. */
    public Shop(TenantSpec tenant, int number, int catalogSize) {
        this.tenant = tenant;
        this.number = number;
        this.profile = PROFILES[(number - 1) % PROFILES.length];
        UUID id = UUID.fromString(tenant.id());
        long seed = id.getMostSignificantBits() ^ id.getLeastSignificantBits();
        this.catalog = CatalogGenerator.generate(seed, profile.currency(), catalogSize, 1.07);
        this.coupons = List.of(new Coupon("WELCOME10", 10), new Coupon("SPRING15", 15), new Coupon("VIP20", 20));
    }

    public TenantSpec tenant() {
        return tenant;
    }

    public int number() {
        return number;
    }

    public String currency() {
        return profile.currency();
    }

    public ZoneId zone() {
        return ZoneId.of(profile.zone());
    }

    public int taxPercent() {
        return profile.taxPercent();
    }

    public String baseUrl() {
        return number <= PROFILES.length
                ? "https://" + profile.domain()
                : "https://shop-" + number + ".example.com";
    }

    public Catalog catalog() {
        return catalog;
    }

    public List<Coupon> coupons() {
        return coupons;
    }

    /**
     * The visitor of a new session: a returning one ({@code returningShare} of sessions, once some are known; the
     * most loyal come back most) or a new one. Synchronized: sessions of all tenants start on one thread, but the
     * pool is also read by the sessions that add customers.
     */
    public synchronized Visitor visitorFor(RandomGenerator random, double returningShare) {
        if (!known.isEmpty() && random.nextDouble() < returningShare) {
            // Earlier visitors are likelier to come back: a square-law bias towards the start of the list.
            double u = random.nextDouble();
            Visitor v = known.get((int) (u * u * known.size()));
            if (v.beginVisit()) {
                return v;
            }
        }
        Visitor v = new Visitor(Ids.uuid(random), country(random), Device.draw(random.nextDouble()),
                random.nextDouble() < 0.6, null);
        v.beginVisit();
        if (known.size() < MAX_KNOWN) {
            known.add(v);
        } else {
            known.set(random.nextInt(MAX_KNOWN), v); // a long run forgets some visitors, as browsers clear storage
        }
        return v;
    }

    public synchronized int knownVisitors() {
        return known.size();
    }

    private String country(RandomGenerator random) {
        double u = random.nextDouble();
        double sum = 0;
        for (int i = 0; i < profile.countries().length; i++) {
            sum += profile.countryShares()[i];
            if (u < sum) {
                return profile.countries()[i];
            }
        }
        return profile.countries()[0];
    }
}
