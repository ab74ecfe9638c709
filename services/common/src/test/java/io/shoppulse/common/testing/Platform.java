package io.shoppulse.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where the real servers are, for tests: the same SHOPPULSE_* variables the services read, falling back to the
 * checkout's generated .shoppulse/secrets.env (so a test also runs from an IDE after ./shoppulse up) and then to
 * the local defaults. No Docker here: tests use the servers ./shoppulse starts, never stand-ins.
 */
public final class Platform {

    private static final Map<String, String> SECRETS = loadSecrets();

    private Platform() {
    }

    public static String get(String name, String fallback) {
        String value = System.getenv(name);
        if (value == null || value.isEmpty()) {
            value = SECRETS.get(name);
        }
        return value == null || value.isEmpty() ? fallback : value;
    }

    public static String require(String name) {
        String value = get(name, null);
        if (value == null) {
            throw new IllegalStateException(
                    name + " is not set: run the tests with ./shoppulse test (or ./shoppulse up first)");
        }
        return value;
    }

    public static String pgHost() {
        return get("SHOPPULSE_PG_HOST", "127.0.0.1");
    }

    public static int pgPort() {
        return Integer.parseInt(get("SHOPPULSE_PG_PORT", "5432"));
    }

    public static String pgDatabase() {
        return get("SHOPPULSE_PG_DATABASE", "shoppulse");
    }

    public static String kafkaBootstrap() {
        return get("SHOPPULSE_KAFKA_BOOTSTRAP", "127.0.0.1:9092");
    }

    public static String keycloakUrl() {
        return get("SHOPPULSE_KEYCLOAK_URL", "http://127.0.0.1:8180");
    }

    public static String keycloakRealmUrl() {
        return keycloakUrl() + "/realms/" + get("SHOPPULSE_KEYCLOAK_REALM", "shoppulse");
    }

    /** Fails the test run at once with the command that fixes it, instead of a time-out deep inside a client. */
    public static void requireReachable(String server, String hostPort) {
        String host = hostPort.substring(0, hostPort.lastIndexOf(':'));
        int port = Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2000);
        } catch (IOException e) {
            throw new IllegalStateException(server + " is not reachable at " + hostPort
                    + ": run the tests with ./shoppulse test, which starts it (or ./shoppulse up)", e);
        }
    }

    private static Map<String, String> loadSecrets() {
        Map<String, String> values = new HashMap<>();
        Optional<Path> file = findUp(Path.of("").toAbsolutePath(), ".shoppulse/secrets.env");
        if (file.isEmpty()) {
            return values;
        }
        try {
            for (String line : Files.readAllLines(file.get())) {
                int eq = line.indexOf('=');
                if (!line.startsWith("#") && eq > 0) {
                    values.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return values;
    }

    private static Optional<Path> findUp(Path dir, String relative) {
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve(relative))) {
                return Optional.of(d.resolve(relative));
            }
        }
        return Optional.empty();
    }
}
