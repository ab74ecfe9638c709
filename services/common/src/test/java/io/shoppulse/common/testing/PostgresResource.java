package io.shoppulse.common.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Points a service under test at the real PostgreSQL, with the service's own login role and schema. */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Platform.requireReachable("PostgreSQL", Platform.pgHost() + ":" + Platform.pgPort());
        return Map.of();
    }

    @Override
    public void stop() {
        // the server is not the test's to stop
    }
}
