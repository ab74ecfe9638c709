package io.shoppulse.analytics.spark.traffic;

import java.io.Serializable;
import java.sql.Timestamp;

/** A session's figures as last reported to the sink: what a change is measured against. */
public class SessionSnapshot implements Serializable {
    private Timestamp startedAt;
    private Timestamp lastEventAt;
    private String channel;
    private String device;
    private int events;
    private boolean viewedProduct;
    private boolean addedToCart;
    private boolean beganCheckout;
    private boolean purchased;

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

}