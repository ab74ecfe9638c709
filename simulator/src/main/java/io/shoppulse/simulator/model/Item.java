package io.shoppulse.simulator.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;

/**
 * An entry of an event's {@code items} (contract: common.json#/$defs/item). {@code price} is the unit price after
 * discount and {@code discount} the discount per unit, as in GA4.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Item(String itemId, String itemName, String itemBrand, String itemCategory, String itemVariant,
        BigDecimal price, Integer quantity, BigDecimal discount, String coupon, Integer index) {

    public static Item of(Product p, int quantity) {
        return new Item(p.sku(), p.name(), p.brand(), p.category(), p.variant(), p.price(), quantity, null, null, null);
    }

    public Item at(int position) {
        return new Item(itemId, itemName, itemBrand, itemCategory, itemVariant, price, quantity, discount, coupon,
                position);
    }
}
