package io.shoppulse.collector.model;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** A source with its freshly issued write key: the only time the key is ever returned. */
public record IssuedKey(@JsonUnwrapped Source source, String writeKey) {
}
