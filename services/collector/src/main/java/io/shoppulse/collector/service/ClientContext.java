package io.shoppulse.collector.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * What the collector adds about the client: its IP address with the host part removed (the full address is never
 * stored or forwarded) and what its user agent says (device class, OS, browser, and whether it is a bot), parsed
 * by Yauaa with a cache, since a shop's visitors share few user agents.
 */
@Startup // the analyzer takes seconds to build: before the first request, not during it
@ApplicationScoped
public class ClientContext {

    private static final Set<String> BOT_CLASSES = Set.of("Robot", "Robot Mobile", "Robot Imitator", "Spy",
            "Hacker");
    private final UserAgentAnalyzer analyzer;
    private final ObjectMapper json;

    public ClientContext(ObjectMapper json) {
        this.json = json;
        this.analyzer = UserAgentAnalyzer.newBuilder().hideMatcherLoadStats().withCache(20_000)
                .withField(UserAgent.DEVICE_CLASS).withField(UserAgent.DEVICE_BRAND)
                .withField(UserAgent.OPERATING_SYSTEM_NAME).withField(UserAgent.OPERATING_SYSTEM_VERSION_MAJOR)
                .withField(UserAgent.AGENT_NAME).withField(UserAgent.AGENT_VERSION_MAJOR).immediateInitialization()
                .build();
    }

    /** The {@code context} object of every event of a request. */
    public ObjectNode describe(String remoteIp, String userAgent) {
        ObjectNode context = json.createObjectNode();
        String ip = truncateIp(remoteIp);
        if (ip != null) {
            context.put("ip", ip);
        }
        if (userAgent != null && !userAgent.isBlank()) {
            context.set("device", device(userAgent));
        }
        return context;
    }

    /** The device of a user agent string; {@code bot} is true for crawlers, monitors and scripted clients. */
    public ObjectNode device(String userAgent) {
        UserAgent parsed = analyzer.parse(userAgent);
        ObjectNode device = json.createObjectNode();
        String deviceClass = parsed.getValue(UserAgent.DEVICE_CLASS);
        device.put("class", deviceClass.toLowerCase(Locale.ROOT).replace(' ', '_'));
        putKnown(device, "brand", parsed.getValue(UserAgent.DEVICE_BRAND));
        putKnown(device, "os", parsed.getValue(UserAgent.OPERATING_SYSTEM_NAME));
        putKnown(device, "os_version", parsed.getValue(UserAgent.OPERATING_SYSTEM_VERSION_MAJOR));
        putKnown(device, "browser", parsed.getValue(UserAgent.AGENT_NAME));
        putKnown(device, "browser_version", parsed.getValue(UserAgent.AGENT_VERSION_MAJOR));
        device.put("bot", BOT_CLASSES.contains(deviceClass) || "Unknown".equals(deviceClass)
                && userAgent.toLowerCase(Locale.ROOT).matches(".*(bot|crawl|spider|curl|wget|python|java/|okhttp).*"));
        return device;
    }

    private static void putKnown(ObjectNode node, String field, String value) {
        if (value != null && !value.isEmpty() && !value.startsWith("Unknown") && !"??".equals(value)) {
            node.put(field, value);
        }
    }

    /** IPv4 keeps its first three octets (a /24), IPv6 its first 48 bits; anything else is dropped. */
    public static String truncateIp(String address) {
        if (address == null || address.isBlank() || !address.matches("[0-9a-fA-F:.]+")) {
            return null; // only literals: never a DNS lookup
        }
        try {
            byte[] bytes = InetAddress.getByName(address).getAddress();
            int keep = bytes.length == 4 ? 3 : 6;
            for (int i = keep; i < bytes.length; i++) {
                bytes[i] = 0;
            }
            String text = InetAddress.getByAddress(bytes).getHostAddress();
            return bytes.length == 16 ? compressIpv6(text) : text;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String compressIpv6(String full) {
        // 2001:db8:85a3:0:0:0:0:0 -> 2001:db8:85a3::
        return full.replaceFirst("(^|:)0(:0)+$", "::").replaceFirst("^::$", "::");
    }
}
