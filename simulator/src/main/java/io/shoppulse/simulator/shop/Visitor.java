package io.shoppulse.simulator.shop;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A person who visits a shop, possibly many times: the same {@code anonymousId} (the tracker's first-party id) on
 * every visit, the same device and country, and a customer id once they have an account.
 */
public final class Visitor {

    private final String anonymousId;
    private final String country;
    private final Device device;
    private final boolean consentsToMarketing;
    private final AtomicBoolean visiting = new AtomicBoolean();
    private volatile String customerId;
    private volatile int visits;

    public Visitor(String anonymousId, String country, Device device, boolean consentsToMarketing,
            String customerId) {
        this.anonymousId = anonymousId;
        this.country = country;
        this.device = device;
        this.consentsToMarketing = consentsToMarketing;
        this.customerId = customerId;
    }

    public String anonymousId() {
        return anonymousId;
    }

    public String country() {
        return country;
    }

    public Device device() {
        return device;
    }

    public boolean consentsToMarketing() {
        return consentsToMarketing;
    }

    public String customerId() {
        return customerId;
    }

    public void becomeCustomer(String id) {
        customerId = id;
    }

    public int visits() {
        return visits;
    }

    /** Starts a visit unless one is under way (one person, one tab); false when busy. */
    public boolean beginVisit() {
        if (!visiting.compareAndSet(false, true)) {
            return false;
        }
        visits++;
        return true;
    }

    public void endVisit() {
        visiting.set(false);
    }
}
