package io.shoppulse.analytics.spark.traffic;

import java.io.Serializable;
import java.sql.Timestamp;

/**
 * One output row of the sessionizer; {@code kind} says which fields matter:
 * <ul>
 * <li>{@code event}: the session's newly counted events of one minute ({@code occurredAt}) under one channel and
 * device: {@code events}, {@code pageViews}, {@code productViews}, {@code addToCarts}, {@code checkouts},
 * {@code purchases}; and {@code newGrains}, the grains whose bucket of that minute may not count the session's
 * visitor yet (bits in {@link #GRAINS} order);</li>
 * <li>{@code item}: one product's newly counted view_item, add_to_cart and purchase events of one minute
 * ({@code productViews}, {@code addToCarts}, {@code purchases});</li>
 * <li>{@code session}: a session changed: its snapshot now, and {@code before} as last reported (null when new);</li>
 * <li>{@code pair}: two products first viewed together in a session ({@code itemId} &lt; {@code otherItemId});</li>
 * <li>{@code alert}: a cart abandoned ({@code alertId}, {@code details} as JSON);</li>
 * <li>{@code dead}: a record no job can read ({@code problem}, {@code raw}, Kafka coordinates).</li>
 * </ul>
 */
public class TrafficRecord implements Serializable {

    /** The grains of distinct-visitor counts, bit {@code i} of {@code newGrains} standing for {@code GRAINS[i]}. */
    public static final String[] GRAINS = {"minute", "hour", "day"};
    /** Each grain's bucket length, in GRAINS order (UTC buckets). */
    static final long[] GRAIN_MS = {60_000L, 3_600_000L, 86_400_000L};
    public static final int ALL_GRAINS = (1 << GRAINS.length) - 1;
    private String kind;
    private String tenantId;
    private Timestamp occurredAt;
    private String sessionId;
    private String visitorId;
    private String channel;
    private String device;
    private String itemId;
    private String otherItemId;
    private String itemName;
    private String itemBrand;
    private String itemCategory;
    private Timestamp startedAt;
    private Timestamp lastEventAt;
    private String landingPage;
    private String exitPage;
    private int pageViews;
    private int productViews;
    private int addToCarts;
    private int checkouts;
    private int purchases;
    private int events;
    private int newGrains;
    private boolean viewedProduct;
    private boolean addedToCart;
    private boolean beganCheckout;
    private boolean purchased;
    private boolean ended;
    private SessionSnapshot before;
    private String alertId;
    private String details;
    private String problem;
    private String raw;
    private String topic;
    private Integer kafkaPartition;
    private Long kafkaOffset;

    public String getKind() {
        return kind;
    }

    public void setKind(String kind) {
        this.kind = kind;
    }

    public String getTenantId() {
        return tenantId;
    }

    public void setTenantId(String tenantId) {
        this.tenantId = tenantId;
    }

    public Timestamp getOccurredAt() {
        return occurredAt;
    }

    public void setOccurredAt(Timestamp occurredAt) {
        this.occurredAt = occurredAt;
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

    public String getItemId() {
        return itemId;
    }

    public void setItemId(String itemId) {
        this.itemId = itemId;
    }

    public String getOtherItemId() {
        return otherItemId;
    }

    public void setOtherItemId(String otherItemId) {
        this.otherItemId = otherItemId;
    }

    public String getItemName() {
        return itemName;
    }

    public void setItemName(String itemName) {
        this.itemName = itemName;
    }

    public String getItemBrand() {
        return itemBrand;
    }

    public void setItemBrand(String itemBrand) {
        this.itemBrand = itemBrand;
    }

    public String getItemCategory() {
        return itemCategory;
    }

    public void setItemCategory(String itemCategory) {
        this.itemCategory = itemCategory;
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

    public String getLandingPage() {
        return landingPage;
    }

    public void setLandingPage(String landingPage) {
        this.landingPage = landingPage;
    }

    public String getExitPage() {
        return exitPage;
    }

    public void setExitPage(String exitPage) {
        this.exitPage = exitPage;
    }

    public int getProductViews() {
        return productViews;
    }

    public void setProductViews(int productViews) {
        this.productViews = productViews;
    }

    public int getAddToCarts() {
        return addToCarts;
    }

    public void setAddToCarts(int addToCarts) {
        this.addToCarts = addToCarts;
    }

    public int getCheckouts() {
        return checkouts;
    }

    public void setCheckouts(int checkouts) {
        this.checkouts = checkouts;
    }

    public int getPurchases() {
        return purchases;
    }

    public void setPurchases(int purchases) {
        this.purchases = purchases;
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

    public int getNewGrains() {
        return newGrains;
    }

    public void setNewGrains(int newGrains) {
        this.newGrains = newGrains;
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

    public boolean isEnded() {
        return ended;
    }

    public void setEnded(boolean ended) {
        this.ended = ended;
    }

    public SessionSnapshot getBefore() {
        return before;
    }

    public void setBefore(SessionSnapshot before) {
        this.before = before;
    }

    public String getAlertId() {
        return alertId;
    }

    public void setAlertId(String alertId) {
        this.alertId = alertId;
    }

    public String getDetails() {
        return details;
    }

    public void setDetails(String details) {
        this.details = details;
    }

    public String getProblem() {
        return problem;
    }

    public void setProblem(String problem) {
        this.problem = problem;
    }

    public String getRaw() {
        return raw;
    }

    public void setRaw(String raw) {
        this.raw = raw;
    }

    public String getTopic() {
        return topic;
    }

    public void setTopic(String topic) {
        this.topic = topic;
    }

    public Integer getKafkaPartition() {
        return kafkaPartition;
    }

    public void setKafkaPartition(Integer kafkaPartition) {
        this.kafkaPartition = kafkaPartition;
    }

    public Long getKafkaOffset() {
        return kafkaOffset;
    }

    public void setKafkaOffset(Long kafkaOffset) {
        this.kafkaOffset = kafkaOffset;
    }

}