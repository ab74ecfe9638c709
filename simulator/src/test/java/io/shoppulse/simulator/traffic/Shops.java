package io.shoppulse.simulator.traffic;

import io.shoppulse.simulator.config.TenantSpec;
import io.shoppulse.simulator.shop.Shop;

import java.util.List;

/** Three test shops: EUR, USD and JPY (a currency without decimals). */
final class Shops {

    static final TenantSpec DEMO = new TenantSpec("0b6f3a52-7d4e-4c1a-9f0e-2a1b3c4d5e6f", "spk_test_demo");
    static final TenantSpec OTHER = new TenantSpec("1c7a4b63-8e5f-4d2b-a01f-3b2c4d5e6f70", "spk_test_other");
    static final TenantSpec THIRD = new TenantSpec("2d8b5c74-9f60-4e3c-b120-4c3d5e6f7081", "spk_test_third");

    private Shops() {
    }

    static List<Shop> three() {
        return List.of(new Shop(DEMO, 1, 240), new Shop(OTHER, 2, 240), new Shop(THIRD, 3, 240));
    }
}
