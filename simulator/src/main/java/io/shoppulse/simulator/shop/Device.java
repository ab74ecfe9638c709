package io.shoppulse.simulator.shop;

/** A visitor's browser: its user agent (sent as the request's User-Agent, as a browser does) and its share. */
public enum Device {
    IPHONE(0.30, 0.8, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
            + " Version/17.5 Mobile/15E148 Safari/604.1"), ANDROID(0.28, 0.7,
                    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
                            + " Chrome/126.0.0.0 Mobile Safari/537.36"), WINDOWS_CHROME(
                                    0.22, 1.4,
                                    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
                                            + " Chrome/126.0.0.0 Safari/537.36"), MAC_SAFARI(
                                                    0.10, 1.5,
                                                    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko)"
                                                            + " Version/17.5 Safari/605.1.15"), WINDOWS_FIREFOX(0.05,
                                                                    1.3,
                                                                    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0"), IPAD(
                                                                            0.05, 1.1,
                                                                            "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
                                                                                    + " Version/17.5 Mobile/15E148 Safari/604.1");

    private final double share;
    private final double conversionFactor;
    private final String userAgent;

    Device(double share, double conversionFactor, String userAgent) {
        this.share = share;
        this.conversionFactor = conversionFactor;
        this.userAgent = userAgent;
    }

    public double conversionFactor() {
        return conversionFactor;
    }

    public String userAgent() {
        return userAgent;
    }

    public static Device draw(double u) {
        double sum = 0;
        for (Device d : values()) {
            sum += d.share;
            if (u < sum) {
                return d;
            }
        }
        return IPHONE;
    }
}
