package io.shoppulse.analytics.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** Products of an hour by trending score: (views + 1) over (mean hourly views of the 24 hours before + 1). */
public record Trending(Instant hour, List<Item> items) {

    public record Item(String itemId, String name, long views, BigDecimal baseline, BigDecimal score) {
    }
}
