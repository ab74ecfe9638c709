package io.shoppulse.routes.webhook;

/** A webhook whose signature does not verify: answered with 401 so that nobody can forge a shop's orders. */
public class WebhookRejected extends RuntimeException {

    public WebhookRejected(String message) {
        super(message);
    }
}
