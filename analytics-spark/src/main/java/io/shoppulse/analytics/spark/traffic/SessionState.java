package io.shoppulse.analytics.spark.traffic;

import java.io.Serializable;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * What the sessionizer keeps per (tenant, session): the session as it stands, the 64-bit fingerprints of the event ids it
 * has counted (its deduplication), the products viewed (for viewed-together pairs), the cart, and the snapshot it last emitted (so
 * the sink can count each change as "now minus before").
 */
public class SessionState implements Serializable {
    private String tenantId;
    private String sessionId;
    private String visitorId;
    private String userId;
    private Timestamp startedAt;
    private Timestamp lastEventAt;
    private String channel;
    private String device;
    private String landingPage;
    private Timestamp landingAt;
    private String exitPage;
    private Timestamp exitAt;
    private int pageViews;
    private int events;
    private boolean viewedProduct;
    private boolean addedToCart;
    private boolean beganCheckout;
    private boolean purchased;
    private List<Long> eventIds = new ArrayList<>();
    private List<String> viewedItems = new ArrayList<>();
    private List<String> cartItems = new ArrayList<>();
    private BigDecimal cartValue;
    private String cartCurrency;
    private SessionSnapshot emitted;
    private long timerAt;

    public String getTenantId() {
        return tenantId;
    }

    public void setTenantId(String tenantId) {
        this.tenantId = tenantId;
    }

    public String getSessionId() {
        return sessionId;
    }

    public void setSessionId(String sessionId) {
        this.sessionId = sessionId;
    }

    public String getVisitorId() {
        return visitorId;
    }

    public void setVisitorId(String visitorId) {
        this.visitorId = visitorId;
    }

    public String getUserId() {
        return userId;
    }

    public void setUserId(String userId) {
        this.userId = userId;
    }

    public Timestamp getStartedAt() {
        return startedAt;
    }

    public void setStartedAt(Timestamp startedAt) {
        this.startedAt = startedAt;
    }

    public Timestamp getLastEventAt() {
        return lastEventAt;
    }

    public void setLastEventAt(Timestamp lastEventAt) {
        this.lastEventAt = lastEventAt;
    }

    public String getChannel() {
        return channel;
    }

    public void setChannel(String channel) {
        this.channel = channel;
    }

    public String getDevice() {
        return device;
    }

    public void setDevice(String device) {
        this.device = device;
    }

    public String getLandingPage() {
        return landingPage;
    }

    public void setLandingPage(String landingPage) {
        this.landingPage = landingPage;
    }

    public Timestamp getLandingAt() {
        return landingAt;
    }

    public void setLandingAt(Timestamp landingAt) {
        this.landingAt = landingAt;
    }

    public String getExitPage() {
        return exitPage;
    }

    public void setExitPage(String exitPage) {
        this.exitPage = exitPage;
    }

    public Timestamp getExitAt() {
        return exitAt;
    }

    public void setExitAt(Timestamp exitAt) {
        this.exitAt = exitAt;
    }

    public int getPageViews() {
        return pageViews;
    }

    public void setPageViews(int pageViews) {
        this.pageViews = pageViews;
    }

    public int getEvents() {
        return events;
    }

    public void setEvents(int events) {
        this.events = events;
    }

    public boolean isViewedProduct() {
        return viewedProduct;
    }

    public void setViewedProduct(boolean viewedProduct) {
        this.viewedProduct = viewedProduct;
    }

    public boolean isAddedToCart() {
        return addedToCart;
    }

    public void setAddedToCart(boolean addedToCart) {
        this.addedToCart = addedToCart;
    }

    public boolean isBeganCheckout() {
        return beganCheckout;
    }

    public void setBeganCheckout(boolean beganCheckout) {
        this.beganCheckout = beganCheckout;
    }

    public boolean isPurchased() {
        return purchased;
    }

    public void setPurchased(boolean purchased) {
        this.purchased = purchased;
    }

    public List<Long> getEventIds() {
        return eventIds;
    }

    public void setEventIds(List<Long> eventIds) {
        this.eventIds = mutable(eventIds);
    }

    public List<String> getViewedItems() {
        return viewedItems;
    }

    public void setViewedItems(List<String> viewedItems) {
        this.viewedItems = mutable(viewedItems);
    }

    public List<String> getCartItems() {
        return cartItems;
    }

    public void setCartItems(List<String> cartItems) {
        this.cartItems = mutable(cartItems);
    }

    public BigDecimal getCartValue() {
        return cartValue;
    }

    public void setCartValue(BigDecimal cartValue) {
        this.cartValue = cartValue;
    }

    public String getCartCurrency() {
        return cartCurrency;
    }

    public void setCartCurrency(String cartCurrency) {
        this.cartCurrency = cartCurrency;
    }

    public SessionSnapshot getEmitted() {
        return emitted;
    }

    public void setEmitted(SessionSnapshot emitted) {
        this.emitted = emitted;
    }

    /** The event time at which the session's inactivity timer fires (its registered timer). */
    public long getTimerAt() {
        return timerAt;
    }

    public void setTimerAt(long timerAt) {
        this.timerAt = timerAt;
    }

    /** The fold adds to these lists; a decoder may hand over a list that cannot grow. */
    private static <T> List<T> mutable(List<T> list) {
        return list == null ? new ArrayList<>() : list instanceof ArrayList<T> ? list : new ArrayList<>(list);
    }
}
