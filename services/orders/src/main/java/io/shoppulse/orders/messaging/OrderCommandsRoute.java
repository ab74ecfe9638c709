package io.shoppulse.orders.messaging;

import io.shoppulse.common.jdbc.Transactions;
import io.shoppulse.orders.config.CommandsConfig;
import io.shoppulse.orders.service.OrderService;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * The storefront's order commands from the RabbitMQ topic exchange (routing keys order.*). A message is
 * acknowledged only after its command committed. Three ways out of a failure:
 * <ul>
 * <li>the database is unavailable: retried with back-off for as long as it takes, never dead-lettered;</li>
 * <li>the order is missing or not ready (an order.paid that overtook its order.placed): put back at the tail of the
 * queue after a pause, a few times, then dead-lettered;</li>
 * <li>the command can never apply (not JSON, no tenant, invalid order): dead-lettered at once.</li>
 * </ul>
 * A dead-lettered message keeps its body and headers and gains {@code x-shoppulse-reason}. Retries and dead letters
 * are published with broker confirms before the original is acknowledged; a publish that is not confirmed fails the
 * delivery, and the broker dead-letters the original itself.
 */
@ApplicationScoped
public class OrderCommandsRoute extends RouteBuilder {

    static final String DEAD_LETTER_KEY = "orders.commands";
    private final CommandsConfig config;
    private final OrderCommands commands;

    public OrderCommandsRoute(CommandsConfig config, OrderCommands commands) {
        this.config = config;
        this.commands = commands;
    }

    /** The pause before the n-th retry: the configured delay, doubled for each retry before it. */
    public long backOff(@org.apache.camel.Header(OrderCommands.ATTEMPT_HEADER) int attempt) {
        return config.retryDelay().toMillis() << Math.min(attempt - 1, 10);
    }

    /** A retried or dead-lettered message still says which command it is, whatever queue it is read from. */
    private void keepRoutingKey(org.apache.camel.Exchange exchange) {
        org.apache.camel.Message in = exchange.getIn();
        if (in.getHeader(OrderCommands.ROUTING_KEY_HEADER) == null) {
            in.setHeader(OrderCommands.ROUTING_KEY_HEADER,
                    in.getHeader(org.apache.camel.component.springrabbit.SpringRabbitMQConstants.ROUTING_KEY));
        }
    }

    @Override
    public void configure() {
        if (!config.enabled()) {
            return;
        }
        onException(Transactions.StorageException.class)
                .maximumRedeliveries(-1).redeliveryDelay(1000).useExponentialBackOff().backOffMultiplier(2)
                .maximumRedeliveryDelay(30_000).retryAttemptedLogLevel(LoggingLevel.WARN);
        // Back to the tail of the queue after a pause, so the commands behind it (its order.placed, say) go first.
        onException(OrderCommands.NotYetApplicable.class)
                .handled(true)
                .process(e -> e.getIn().setHeader(OrderCommands.ATTEMPT_HEADER,
                        e.getIn().getHeader(OrderCommands.ATTEMPT_HEADER, 0, Integer.class) + 1))
                .choice()
                .when(header(OrderCommands.ATTEMPT_HEADER).isGreaterThan(config.retries()))
                .setHeader("x-shoppulse-reason", simple("not applicable after " + config.retries()
                        + " retries: ${exception.message}"))
                .to("direct:orders-commands-dead-letter")
                .otherwise()
                .log(LoggingLevel.INFO, "Order command ${header." + OrderCommands.ATTEMPT_HEADER
                        + "} not applicable yet, retrying: ${exception.message}")
                .delay().method(this, "backOff").end()
                .process(this::keepRoutingKey)
                .to("spring-rabbitmq:default?confirm=enabled&routingKey=" + config.queue())
                .end();
        onException(OrderCommands.Rejected.class)
                .handled(true)
                .setHeader("x-shoppulse-reason", simple("rejected: ${exception.message}"))
                .to("direct:orders-commands-dead-letter");

        from("spring-rabbitmq:" + config.exchange() + "?queues=" + config.queue()
        // A durable queue: commands wait out a broker restart (the messages are persistent too).
                + "&routingKey=order.#&exchangeType=topic&autoDeclare=true&arg.queue.durable=true"
                + "&acknowledgeMode=AUTO"
                + "&concurrentConsumers=" + config.consumers() + "&prefetchCount=" + config.prefetch()
                + "&deadLetterExchange=" + config.deadLetterExchange() + "&deadLetterExchangeType=direct"
                + "&deadLetterQueue=" + config.deadLetterQueue() + "&deadLetterRoutingKey=" + DEAD_LETTER_KEY)
                .routeId("orders-commands-from-rabbitmq")
                .bean(commands, "apply");

        from("direct:orders-commands-dead-letter")
                .routeId("orders-commands-dead-letter")
                .log(LoggingLevel.WARN, "Dead-lettered order command ${header.CamelSpringRabbitmqRoutingKey}"
                        + " (message ${header.CamelSpringRabbitmqMessageId}): ${header.x-shoppulse-reason}")
                .process(this::keepRoutingKey)
                .to("spring-rabbitmq:" + config.deadLetterExchange() + "?confirm=enabled&routingKey="
                        + DEAD_LETTER_KEY);
    }
}
