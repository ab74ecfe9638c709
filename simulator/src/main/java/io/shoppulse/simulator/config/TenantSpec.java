package io.shoppulse.simulator.config;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A tenant the simulator plays: its id (the x-shoppulse-tenant header) and its storefront's write key. */
public record TenantSpec(String id, String writeKey) {

    public TenantSpec {
        UUID.fromString(id); // fails on anything but a UUID
        if (writeKey == null || writeKey.isBlank()) {
            throw new IllegalArgumentException("tenant " + id + " has no write key");
        }
    }

    /** Reads {@code uuid=key,uuid=key} (commas or new lines; blank lines and {@code #} comments ignored). */
    public static List<TenantSpec> parse(String text) {
        List<TenantSpec> tenants = new ArrayList<>();
        for (String entry : text.split("[,\\n]")) {
            String e = entry.strip();
            if (e.isEmpty() || e.startsWith("#")) {
                continue;
            }
            int eq = e.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("a tenant is written uuid=write-key; got an entry without '='");
            }
            tenants.add(new TenantSpec(e.substring(0, eq).strip(), e.substring(eq + 1).strip()));
        }
        return tenants;
    }

    /** Never the key itself: logs show which tenant, not its secret. */
    @Override
    public String toString() {
        return "tenant " + id;
    }
}
