package io.shoppulse.routes.webhook;

/** A verified webhook whose body cannot be made into events: answered 422, since a retry would fail the same way. */
public class WebhookUnprocessable extends RuntimeException {

    public WebhookUnprocessable(String message) {
        super(message);
    }
}
