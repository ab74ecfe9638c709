package io.shoppulse.common.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Requests no HTTP client would send: here, headers announcing a body that never comes. */
public final class RawHttp {

    private RawHttp() {
    }

    /**
     * Sends only the headers of a POST announcing {@code contentLength} bytes and returns the response's lines: a
     * server that limits bodies answers without waiting for (or buffering) the body.
     */
    public static List<String> postHeadersOnly(int port, String path, String contentType, long contentLength)
            throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType
                    + "\r\nContent-Length: " + contentLength + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            List<String> response = new ArrayList<>();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                response.add(line);
            }
            return response;
        }
    }
}
