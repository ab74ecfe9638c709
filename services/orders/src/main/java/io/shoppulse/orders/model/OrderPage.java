package io.shoppulse.orders.model;

import java.util.List;

/** One page of orders, newest first; {@code nextCursor} fetches the next page, null on the last. */
public record OrderPage(List<Order> items, String nextCursor) {
}
