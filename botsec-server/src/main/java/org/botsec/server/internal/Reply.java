package org.botsec.server.internal;

import java.io.IOException;
import java.util.Map;

/** What the gateway answers: a whole {@link Answer}, or a {@link Streamed} event stream written as it is scanned. */
sealed interface Reply permits Answer, Reply.Streamed {
    /** The status of the answer (a stream is 200 unless it fails before its first event). */
    int status();

    /**
     * A {@code text/event-stream} answer of status 200, written event by event. The body may throw
     * {@link HttpError} before its first event (the handler then answers that error instead).
     */
    record Streamed(Map<String, String> headers, Body body) implements Reply {
        public Streamed {
            headers = Map.copyOf(headers);
        }

        @Override
        public int status() {
            return 200;
        }
    }

    /** Writes the events of a streamed answer. */
    @FunctionalInterface
    interface Body {
        void writeTo(EventStreamRelay.EventSink sink) throws IOException;
    }
}
