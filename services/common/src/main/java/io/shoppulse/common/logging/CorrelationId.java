package io.shoppulse.common.logging;

import org.jboss.logging.MDC;

import java.util.UUID;
import java.util.regex.Pattern;

/** The id that ties one request's log lines, problem documents and downstream messages together. */
public final class CorrelationId {

    public static final String HEADER = "X-Correlation-Id";
    public static final String MDC_KEY = "correlationId";
    private static final Pattern ACCEPTABLE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private CorrelationId() {
    }

    /** Keeps a caller's id when it is safe to log, otherwise makes a new one. */
    public static String accept(String incoming) {
        return incoming != null && ACCEPTABLE.matcher(incoming).matches() ? incoming : UUID.randomUUID().toString();
    }

    public static String current() {
        Object value = MDC.get(MDC_KEY);
        return value == null ? null : value.toString();
    }
}
