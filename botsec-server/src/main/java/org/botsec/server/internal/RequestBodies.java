package org.botsec.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/** Reads a request body within the size limit and parses it as one JSON object (content type, UTF-8, JSON). */
final class RequestBodies {
    /** How many bytes of an oversized body are read and discarded so that the connection can stay open. */
    static final int DRAIN_LIMIT = 256 << 10;
    private final int maxBodyBytes;

    RequestBodies(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * Reads the whole body (at most the limit) before anything else, so that every answer, even a 401,
     * leaves the connection clean for the next keep-alive request.
     *
     * <p>An oversized body of at most {@link #DRAIN_LIMIT} bytes beyond the limit is read and thrown away
     * before the 413 is sent, and the connection stays open. A larger one is refused with {@code Connection:
     * close} without being read. The drain matters: a server that closes a socket with unread data in its receive
     * buffer makes the kernel send an RST, which can destroy the 413 before the client has read it
     * ("connection reset" instead of an answer, the lingering-close problem of RFC 9112 section 9.6).
     */
    byte[] read(Request request) {
        long declared = request.getLength();
        if (declared > maxBodyBytes + DRAIN_LIMIT) {
            throw new HttpError(413, "invalid_request_error", "body is " + declared + " bytes, the limit is " + maxBodyBytes,
                    Map.of("Connection", "close"));
        }
        byte[] bytes;
        try (InputStream in = Content.Source.asInputStream(request)) {
            bytes = in.readNBytes(maxBodyBytes + 1);
            if (bytes.length > maxBodyBytes) {
                // Declared (or chunked) and too large: discard up to DRAIN_LIMIT more bytes, then answer.
                long drained = drain(in, DRAIN_LIMIT);
                boolean clean = drained >= 0;
                String size = declared >= 0 ? "body is " + declared + " bytes" : "body is larger than the limit";
                throw new HttpError(413, "invalid_request_error", size + ", the limit is " + maxBodyBytes,
                        clean ? Map.of() : Map.of("Connection", "close"));
            }
        } catch (IOException e) {
            throw new HttpError(400, "invalid_request_error", "cannot read the request body", Map.of("Connection", "close"));
        }
        return bytes;
    }

    /** Reads and discards at most {@code limit} bytes; the count, or -1 when the stream had more than that. */
    private static long drain(InputStream in, long limit) throws IOException {
        byte[] buf = new byte[8192];
        long total = 0;
        while (total <= limit) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, limit + 1 - total));
            if (n < 0) {
                return total;
            }
            total += n;
        }
        return -1;
    }

    /** Content type, then UTF-8, then JSON, then "is an object"; each failure is a 4xx. */
    JsonNode parseObject(Request request, byte[] bytes) {
        String ct = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (ct == null || !isJsonContentType(ct)) {
            throw new HttpError(415, "invalid_request_error", "Content-Type must be application/json, got "
                    + (ct == null ? "none" : ct.length() > 40 ? ct.substring(0, 40) + "..." : ct));
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new HttpError(400, "invalid_request_error", "body is not valid UTF-8");
        }
        JsonNode node;
        try {
            node = OpenAiJson.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new HttpError(400, "invalid_request_error", "body is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new HttpError(400, "invalid_request_error", "body must be a JSON object");
        }
        return node;
    }

    private static boolean isJsonContentType(String ct) {
        String[] parts = ct.split(";");
        if (!parts[0].strip().equalsIgnoreCase("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip().toLowerCase(Locale.ROOT);
            if (p.startsWith("charset=") && !p.equals("charset=utf-8") && !p.equals("charset=\"utf-8\"")) {
                return false;
            }
        }
        return true;
    }
}
