package io.shoppulse.collector.model;

import io.shoppulse.common.problem.FieldError;

import java.util.List;

/** The answer to a batch: how many events are durably in Kafka, and why each other one was refused. */
public record IngestResult(int accepted, List<Rejection> rejected) {

    public record Rejection(int index, String eventId, List<FieldError> errors) {
    }
}
