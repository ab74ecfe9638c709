package io.shoppulse.common.logging;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/** Puts the request's correlation id into the logging context and echoes it on the response. */
public class CorrelationIdFilter {

    @ServerRequestFilter(preMatching = true)
    public void onRequest(ContainerRequestContext request) {
        String id = CorrelationId.accept(request.getHeaderString(CorrelationId.HEADER));
        request.setProperty(CorrelationId.MDC_KEY, id);
        MDC.put(CorrelationId.MDC_KEY, id);
    }

    @ServerResponseFilter
    public void onResponse(ContainerRequestContext request, ContainerResponseContext response) {
        Object id = request.getProperty(CorrelationId.MDC_KEY);
        if (id != null) {
            response.getHeaders().putSingle(CorrelationId.HEADER, id);
        }
        MDC.remove(CorrelationId.MDC_KEY);
    }
}
