package io.shoppulse.analytics.live;

/** A record the live lane cannot read; the reason names the field. It goes to the lane's dead-letter topic. */
public class BadRecordException extends RuntimeException {

    public BadRecordException(String reason) {
        super(reason, null, false, false);
    }
}
