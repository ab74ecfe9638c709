package io.shoppulse.analytics;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.shoppulse.common.testing.Platform;

import java.util.Map;

/**
 * The analytics service's own database login for tests: the role the launcher makes (shoppulse_analytics) with the
 * password it generated for this checkout (SHOPPULSE_DB_PASSWORD_ANALYTICS in the environment or
 * .shoppulse/secrets.env), as ./shoppulse up hands it to the service in SHOPPULSE_DB_USER and SHOPPULSE_DB_PASSWORD.
 */
public class AnalyticsDatabaseResource implements QuarkusTestResourceLifecycleManager {

    public static final String USER = "shoppulse_analytics";

    public static String password() {
        return Platform.get("SHOPPULSE_DB_PASSWORD_ANALYTICS", "");
    }

    @Override
    public Map<String, String> start() {
        return Map.of("quarkus.datasource.username", USER, "quarkus.datasource.password", password());
    }

    @Override
    public void stop() {
        // the database is not the test's to stop
    }
}
