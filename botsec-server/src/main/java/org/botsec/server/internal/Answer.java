package org.botsec.server.internal;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What the gateway sends back: status, content type, body bytes and extra headers. */
record Answer(int status, String contentType, byte[] body, Map<String, String> headers) implements Reply {
    Answer {
        headers = Map.copyOf(headers);
    }

    static Answer json(int status, String body, Map<String, String> headers) {
        return new Answer(status, "application/json", body.getBytes(StandardCharsets.UTF_8), headers);
    }

    static Answer json(int status, String body) {
        return json(status, body, Map.of());
    }

    /** A one-line error in OpenAI's error shape. */
    static Answer error(int status, String type, String message) {
        return error(status, type, message, Map.of());
    }

    static Answer error(int status, String type, String message, Map<String, String> headers) {
        return json(status, OpenAiJson.error(status, type, message), headers);
    }
}
