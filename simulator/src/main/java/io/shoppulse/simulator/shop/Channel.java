package io.shoppulse.simulator.shop;

import io.shoppulse.simulator.model.Event;

/**
 * Where a visit comes from: its referrer and UTM parameters, its share of visits and how likely such a visitor is
 * to buy compared with the average (email and brand search convert better than social).
 */
public enum Channel {
    DIRECT(0.30, 1.2, null, null, null, null), ORGANIC_SEARCH(0.28, 1.0, "https://www.google.com/", null, null,
            null), PAID_SEARCH(0.14, 1.1, "https://www.google.com/", "google", "cpc", "brand-search"), SOCIAL(0.12, 0.5,
                    "https://www.instagram.com/", "instagram", "social",
                    "spring-lookbook"), EMAIL(0.08, 1.8, null, "newsletter", "email", "weekly-picks"), AFFILIATE(0.05,
                            0.9, "https://deals.example.net/", "dealsite", "affiliate", "partner-deals"), DISPLAY(0.03,
                                    0.4, "https://news.example.org/", "programmatic", "display", "retargeting");

    private final double share;
    private final double conversionFactor;
    private final String referrer;
    private final String utmSource;
    private final String utmMedium;
    private final String utmCampaign;

    Channel(double share, double conversionFactor, String referrer, String utmSource, String utmMedium,
            String utmCampaign) {
        this.share = share;
        this.conversionFactor = conversionFactor;
        this.referrer = referrer;
        this.utmSource = utmSource;
        this.utmMedium = utmMedium;
        this.utmCampaign = utmCampaign;
    }

    public double share() {
        return share;
    }

    public double conversionFactor() {
        return conversionFactor;
    }

    public String referrer() {
        return referrer;
    }

    /** The landing URL's UTM parameters, or null for untagged visits. */
    public Event.Utm utm() {
        return utmSource == null ? null : new Event.Utm(utmSource, utmMedium, utmCampaign, null, null);
    }

    public String query() {
        return utmSource == null
                ? ""
                : "?utm_source=" + utmSource + "&utm_medium=" + utmMedium + "&utm_campaign=" + utmCampaign;
    }

    public static Channel draw(double u) {
        double sum = 0;
        for (Channel c : values()) {
            sum += c.share;
            if (u < sum) {
                return c;
            }
        }
        return DIRECT;
    }
}
