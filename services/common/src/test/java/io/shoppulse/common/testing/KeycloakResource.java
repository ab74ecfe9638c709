package io.shoppulse.common.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.net.URI;
import java.util.Map;

/** Points a service under test at the real Keycloak realm that ./shoppulse runs. */
public class KeycloakResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        URI url = URI.create(Platform.keycloakUrl());
        Platform.requireReachable("Keycloak", url.getHost() + ":" + url.getPort());
        return Map.of("quarkus.oidc.auth-server-url", Platform.keycloakRealmUrl());
    }

    @Override
    public void stop() {
        // Keycloak belongs to ./shoppulse, not to the test
    }
}
