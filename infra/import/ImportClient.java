import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client of `./shoppulse import`: streams a CSV export to a service's import endpoint with the mapping file in
 * the ShopPulse-Import-Mapping header, and shows a progress bar (rows/s, ETA) while the service reads it. The service
 * reads the upload as it imports, so what has been sent is what has been taken. Prints the service's JSON report on
 * stdout; exits 0 when the import ran (bad rows included), 1 when it was refused.
 *
 * Usage: java ImportClient.java URL FILE MAPPING (the bearer token comes from SHOPPULSE_TOKEN)
 */
public final class ImportClient {

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: java ImportClient.java URL FILE MAPPING   (token in SHOPPULSE_TOKEN)");
            System.exit(2);
        }
        Path file = Path.of(args[1]);
        String mapping = Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(args[2])));
        long size = Files.size(file);
        AtomicLong bytes = new AtomicLong();
        AtomicLong rows = new AtomicLong();
        // A fixed-length streaming upload: each write blocks until the socket takes it, and the service reads the
        // socket as it imports, so the bytes written are the bytes the service has taken (give or take its buffers).
        HttpURLConnection http = (HttpURLConnection) URI.create(args[0]).toURL().openConnection();
        http.setRequestMethod("POST");
        http.setDoOutput(true);
        http.setFixedLengthStreamingMode(size);
        http.setConnectTimeout(10_000);
        http.setReadTimeout(0);
        http.setRequestProperty("Authorization", "Bearer " + System.getenv("SHOPPULSE_TOKEN"));
        http.setRequestProperty("Content-Type", "text/csv");
        http.setRequestProperty("ShopPulse-Import-Mapping", mapping);
        Progress progress = new Progress(size, bytes, rows, System.console() != null);
        Thread bar = new Thread(progress::run, "progress");
        bar.setDaemon(true);
        bar.start();
        try (InputStream in = counting(file, bytes, rows); OutputStream out = http.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // The service answered before taking everything (a refused mapping, say): its answer says why.
        }
        int status = http.getResponseCode();
        InputStream answer = status < 400 ? http.getInputStream() : http.getErrorStream();
        String body = answer == null ? "" : new String(answer.readAllBytes(), StandardCharsets.UTF_8);
        progress.stop();
        bar.join();
        System.out.println(body);
        System.exit(status == 200 ? 0 : 1);
    }

    /** The file, counting bytes and line breaks as they are sent. */
    private static InputStream counting(Path file, AtomicLong bytes, AtomicLong rows) {
        try {
            return new FilterInputStream(Files.newInputStream(file)) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0) {
                        long lines = 0;
                        for (int i = off; i < off + n; i++) {
                            if (b[i] == '\n') {
                                lines++;
                            }
                        }
                        rows.addAndGet(lines);
                        bytes.addAndGet(n);
                    }
                    return n;
                }
            };
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** On a terminal a bar redrawn in place; in a log a line every 5 s. */
    private static final class Progress {
        private final long size;
        private final AtomicLong bytes;
        private final AtomicLong rows;
        private final boolean terminal;
        private final long started = System.nanoTime();
        private volatile boolean done;

        Progress(long size, AtomicLong bytes, AtomicLong rows, boolean terminal) {
            this.size = size;
            this.bytes = bytes;
            this.rows = rows;
            this.terminal = terminal;
        }

        void run() {
            PrintStream err = System.err;
            long every = terminal ? 250 : 5000;
            while (!done) {
                try {
                    Thread.sleep(every);
                } catch (InterruptedException e) {
                    return;
                }
                String line = line();
                if (terminal) {
                    err.print("\r" + line);
                } else {
                    err.println(line);
                }
            }
            if (terminal) {
                err.println("\r" + line());
            }
        }

        void stop() {
            done = true;
        }

        private String line() {
            double seconds = Math.max((System.nanoTime() - started) / 1e9, 0.001);
            long sent = bytes.get();
            double fraction = size == 0 ? 1 : (double) sent / size;
            int width = 30;
            int filled = (int) Math.round(fraction * width);
            long rate = Math.round(rows.get() / seconds);
            long eta = sent == 0 ? -1 : Math.round((size - sent) / (sent / seconds));
            String etaText = done ? "done" : eta < 0 ? "ETA --:--" : String.format("ETA %d:%02d", eta / 60, eta % 60);
            return String.format(Locale.ROOT, "[%s%s] %3d%%  %,d rows  %,d rows/s  %s   ", "#".repeat(filled),
                    ".".repeat(width - filled), Math.round(fraction * 100), rows.get(), rate, etaText);
        }
    }
}
