package io.shoppulse.collector.service;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** shoppulse.js stays within its size budget: at most 5 KB gzipped, as storefront pages load it. */
class TrackerBudgetTest {

    @Test
    void theTrackerIsAtMost5KbGzipped() throws IOException {
        byte[] tracker;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/resources/shoppulse.js")) {
            assertThat(in).as("shoppulse.js is served from META-INF/resources").isNotNull();
            tracker = in.readAllBytes();
        }
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
            gzip.write(tracker);
        }
        assertThat(gzipped.size()).isLessThanOrEqualTo(5 * 1024);
    }
}
