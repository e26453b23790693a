package org.botsec.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.botsec.guard.Action;
import org.botsec.guard.Direction;
import org.botsec.guard.Verdict;

/**
 * A streamed answer ({@code text/event-stream} of {@code chat.completion.chunk} events), scanned incrementally
 * and relayed as it arrives. Every upstream event is parsed; each text field of each choice's delta
 * ({@code content}, {@code refusal}, any other text field such as {@code reasoning_content}) goes through its
 * own {@link StreamWindow} (a sliding window with a hold-back of {@code holdBack} characters), and the client
 * gets new {@code chat.completion.chunk} events built only from what the windows released. Tool-call names and
 * arguments (and the legacy {@code function_call}) are held whole until their choice finishes, then scanned by
 * {@link OutputScanner} like a non-streamed answer (a redaction that would break their JSON blocks), because a
 * client cannot use half of a tool call and a redaction inside JSON can only be checked on the whole of it.
 *
 * <p>Nothing the upstream sent is passed through as bytes: comments, {@code event:} lines, unknown fields,
 * logprobs and non-text parts are dropped. A block of any field ends that choice: it gets
 * {@code finish_reason: "content_filter"} (and the refusal text when nothing of it was sent yet); other choices go on.
 * The verdict of each choice is in its finish chunk as {@code botsec_verdict}. An event that is not a JSON
 * object or carries an error fails the answer: with a 502 while nothing was sent, otherwise with an
 * {@code error} event that ends the stream (what was held back is never sent).
 */
final class EventStreamRelay {
    /** Choices beyond this index are refused: an upstream answers a handful, never thousands. */
    private static final int MAX_CHOICE_INDEX = 127;
    private static final int MAX_LINE_BYTES = 1 << 20;

    /** Where the relayed events go; the response is committed (status 200, headers) by the first event. */
    interface EventSink {
        /** Sends one event whose {@code data} is {@code data}. */
        void send(String data) throws IOException;

        /** Whether anything was sent (after that, a failure can only be reported inside the stream). */
        boolean committed();
    }

    /** The upstream failed after the stream was committed; already reported to the client as an error event. */
    static final class StreamFailed extends Exception {
        StreamFailed(String message) {
            super(message, null, false, false);
        }
    }

    private final GuardScans scans;
    private final OutputScanner output;
    private final int holdBack;
    private final int context;
    private final long maxBytes;

    EventStreamRelay(GuardScans scans, OutputScanner output, int holdBack, int context, long maxBytes) {
        this.scans = scans;
        this.output = output;
        this.holdBack = holdBack;
        this.context = context;
        this.maxBytes = maxBytes;
    }

    private static final class ToolCall {
        String id;
        String type;
        StringBuilder name;
        StringBuilder arguments;

        void add(JsonNode call) {
            if (id == null) {
                id = OpenAiJson.token(call.get("id")).orElse(null);
            }
            if (type == null) {
                type = OpenAiJson.token(call.get("type")).orElse(null);
            }
            JsonNode fn = call.has("function") ? call.get("function") : call;
            if (fn.path("name").isTextual()) {
                name = (name == null ? new StringBuilder() : name).append(fn.get("name").asText());
            }
            if (fn.path("arguments").isTextual()) {
                arguments = (arguments == null ? new StringBuilder() : arguments).append(fn.get("arguments").asText());
            }
        }

        ObjectNode function() {
            ObjectNode f = OpenAiJson.MAPPER.createObjectNode();
            if (name != null) {
                f.put("name", name.toString());
            }
            if (arguments != null) {
                f.put("arguments", arguments.toString());
            }
            return f;
        }
    }

    /** One choice of the answer while it streams. */
    private final class Choice {
        final int index;
        String role;
        final Map<String, StreamWindow> texts = new LinkedHashMap<>();
        final Map<Integer, ToolCall> toolCalls = new TreeMap<>();
        ToolCall functionCall;
        boolean started;
        boolean finished;
        Action toolVerdict = Action.ALLOW;

        Choice(int index) {
            this.index = index;
        }

        StreamWindow window(String field) {
            return texts.computeIfAbsent(field, k -> new StreamWindow(holdBack, context,
                    text -> scans.scanUnrecorded(text, Direction.OUTPUT)));
        }

        Action verdict() {
            Action worst = toolVerdict;
            for (StreamWindow w : texts.values()) {
                worst = w.worst().compareTo(worst) > 0 ? w.worst() : worst;
            }
            return worst;
        }
    }

    /** The state of one relayed answer. */
    private final class Run {
        final EventSink sink;
        final String requestModel;
        final Map<Integer, Choice> choices = new TreeMap<>();
        String id;
        Long created;
        String model;
        ObjectNode usage;

        Run(EventSink sink, String requestModel) {
            this.sink = sink;
            this.requestModel = requestModel;
        }

        void event(String data) throws IOException, StreamFailed {
            JsonNode ev;
            try {
                ev = OpenAiJson.MAPPER.readTree(data);
            } catch (IOException e) {
                throw fail("upstream stream event is not JSON");
            }
            if (ev == null || !ev.isObject()) {
                throw fail("upstream stream event is not a JSON object");
            }
            if (ev.has("error")) {
                throw fail("upstream stream reported an error");
            }
            id = id != null ? id : OpenAiJson.token(ev.get("id")).orElse(null);
            created = created != null ? created : ev.path("created").canConvertToLong() ? Long.valueOf(ev.get("created").asLong()) : null;
            model = model != null ? model : OpenAiJson.token(ev.get("model")).orElse(null);
            Optional<ObjectNode> u = OpenAiJson.numbersOnly(ev.get("usage"));
            if (u.isPresent()) {
                usage = u.get();
            }
            int position = 0;
            for (JsonNode ch : ev.path("choices")) {
                int idx = ch.path("index").canConvertToInt() ? ch.get("index").asInt() : position;
                if (idx < 0 || idx > MAX_CHOICE_INDEX) {
                    throw fail("upstream stream has a choice index out of range");
                }
                Choice c = choices.computeIfAbsent(idx, Choice::new);
                if (!c.finished) {
                    delta(c, ch);
                }
                position++;
            }
        }

        private void delta(Choice c, JsonNode choice) throws IOException {
            ObjectNode out = OpenAiJson.MAPPER.createObjectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = choice.path("delta").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                switch (e.getKey()) {
                    case "role" -> {
                        if (c.role == null) {
                            c.role = OpenAiJson.token(v).orElse(null);
                        }
                    }
                    case "tool_calls" -> {
                        int position = 0;
                        for (JsonNode call : v) {
                            if (call.isObject()) {
                                int idx = call.path("index").canConvertToInt() ? call.get("index").asInt() : position;
                                c.toolCalls.computeIfAbsent(idx, k -> new ToolCall()).add(call);
                            }
                            position++;
                        }
                    }
                    case "function_call" -> {
                        if (v.isObject()) {
                            c.functionCall = c.functionCall == null ? new ToolCall() : c.functionCall;
                            c.functionCall.add(v);
                        }
                    }
                    default -> {
                        if (v.isTextual() && !v.asText().isEmpty()) {
                            StreamWindow.Step step = c.window(e.getKey()).push(v.asText());
                            if (step.blocked()) {
                                block(c);
                                return;
                            }
                            if (!step.release().isEmpty()) {
                                out.put(e.getKey(), step.release());
                            }
                        }
                        // Non-text delta fields cannot be scanned, so they are not relayed.
                    }
                }
            }
            send(c, out);
            Optional<String> finish = OpenAiJson.token(choice.get("finish_reason"));
            if (finish.isPresent()) {
                finish(c, finish.get());
            }
        }

        /** Sends a delta of choice {@code c} unless it is empty; the choice's first delta carries its role. */
        private void send(Choice c, ObjectNode delta) throws IOException {
            if (delta.isEmpty()) {
                return;
            }
            if (!c.started) {
                ObjectNode withRole = OpenAiJson.MAPPER.createObjectNode();
                withRole.put("role", c.role != null ? c.role : "assistant");
                withRole.setAll(delta);
                delta = withRole;
                c.started = true;
            }
            sink.send(OpenAiJson.write(OpenAiJson.chunk(id(), created(), model(), c.index, delta, null)));
        }

        /** Releases what the choice's windows held back, scans its tool calls, and sends its finish chunk. */
        void finish(Choice c, String finishReason) throws IOException {
            ObjectNode out = OpenAiJson.MAPPER.createObjectNode();
            for (Map.Entry<String, StreamWindow> e : c.texts.entrySet()) {
                StreamWindow.Step step = e.getValue().finish();
                if (step.blocked()) {
                    block(c);
                    return;
                }
                if (!step.release().isEmpty()) {
                    out.put(e.getKey(), step.release());
                }
            }
            if (!c.toolCalls.isEmpty() || c.functionCall != null) {
                OutputScanner.Scanned s = output.scan(toolMessage(c));
                c.toolVerdict = s.action();
                if (s.action() == Action.BLOCK) {
                    block(c);
                    return;
                }
                for (String field : List.of("tool_calls", "function_call")) {
                    if (s.message().has(field)) {
                        out.set(field, s.message().get(field));
                    }
                }
            }
            send(c, out);
            end(c, finishReason);
        }

        private void block(Choice c) throws IOException {
            if (!c.started) {
                send(c, OutputScanner.refusalMessage());
            }
            c.toolVerdict = Action.BLOCK;
            end(c, "content_filter");
        }

        private void end(Choice c, String finishReason) throws IOException {
            c.finished = true;
            Action verdict = c.verdict();
            for (StreamWindow w : c.texts.values()) {
                scans.record(Direction.OUTPUT, new Verdict(w.worst(), "", w.findings(), List.of()), w.original(), "proxy_response");
            }
            ObjectNode chunk = OpenAiJson.chunk(id(), created(), model(), c.index, null,
                    verdict == Action.BLOCK ? "content_filter" : finishReason);
            ((ObjectNode) chunk.get("choices").get(0)).put("botsec_verdict", verdict.name().toLowerCase(Locale.ROOT));
            sink.send(OpenAiJson.write(chunk));
        }

        void end() throws IOException {
            for (Choice c : new ArrayList<>(choices.values())) {
                if (!c.finished) {
                    finish(c, "stop");
                }
            }
            if (usage != null) {
                ObjectNode u = OpenAiJson.MAPPER.createObjectNode();
                u.put("id", id());
                u.put("object", "chat.completion.chunk");
                u.put("created", created());
                u.put("model", model());
                u.putArray("choices");
                u.set("usage", usage);
                sink.send(OpenAiJson.write(u));
            }
            sink.send("[DONE]");
        }

        /** Fails the answer: a 502 while nothing was sent, else an error event that ends the stream. */
        StreamFailed fail(String message) throws IOException {
            if (!sink.committed()) {
                throw new HttpError(502, "upstream_error", message);
            }
            sink.send(OpenAiJson.error(502, "upstream_error", message));
            return new StreamFailed(message);
        }

        String id() {
            if (id == null) {
                id = "botsec-stream-" + Long.toHexString(System.nanoTime());
            }
            return id;
        }

        long created() {
            if (created == null) {
                created = System.currentTimeMillis() / 1000;
            }
            return created;
        }

        String model() {
            return model != null ? model : requestModel;
        }
    }

    /** The tool calls of a finished choice, as a message for {@link OutputScanner} (tool calls keep their index). */
    private static ObjectNode toolMessage(Choice c) {
        ObjectNode m = OpenAiJson.MAPPER.createObjectNode();
        m.put("role", c.role != null ? c.role : "assistant");
        if (!c.toolCalls.isEmpty()) {
            ArrayNode calls = m.putArray("tool_calls");
            c.toolCalls.forEach((idx, call) -> {
                ObjectNode o = calls.addObject();
                o.put("index", idx);
                if (call.id != null) {
                    o.put("id", call.id);
                }
                if (call.type != null) {
                    o.put("type", call.type);
                }
                o.set("function", call.function());
            });
        }
        if (c.functionCall != null) {
            m.set("function_call", c.functionCall.function());
        }
        return m;
    }

    /**
     * Reads the upstream's event stream as it arrives and relays the scanned answer to {@code sink}. Throws
     * {@link HttpError} (502) when the upstream fails before anything was sent; after that, a failure ends the
     * stream with an error event. An {@link IOException} from the sink (the client went away) ends the relay.
     */
    void relay(InputStream upstream, String requestModel, EventSink sink) throws IOException {
        Run run = new Run(sink, requestModel);
        try {
            SseReader reader = new SseReader(upstream, maxBytes);
            Optional<String> data;
            while ((data = reader.next(run)).isPresent()) {
                if (data.get().equals("[DONE]")) {
                    break;
                }
                run.event(data.get());
            }
            run.end();
        } catch (StreamFailed e) {
            // already reported to the client inside the stream
        }
    }

    /**
     * The {@code data} of each server-sent event as it arrives (WHATWG HTML section 9.2: lines, a blank line ends
     * an event, several {@code data:} lines join with a newline, other fields and comments are ignored), with
     * the line length and the total size bounded.
     */
    private static final class SseReader {
        private final InputStream in;
        private final long maxBytes;
        private final byte[] buf = new byte[8192];
        private int pos;
        private int len;
        private long total;
        private boolean eof;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

        SseReader(InputStream in, long maxBytes) {
            this.in = in;
            this.maxBytes = maxBytes;
        }

        Optional<String> next(Run run) throws IOException, StreamFailed {
            StringBuilder data = null;
            while (true) {
                Optional<String> l = line(run);
                if (l.isEmpty()) {
                    return data == null ? Optional.empty() : Optional.of(data.toString());
                }
                String s = l.get();
                if (s.isEmpty()) {
                    if (data != null) {
                        return Optional.of(data.toString());
                    }
                    continue;
                }
                if (s.startsWith("data:")) {
                    String value = s.substring(5);
                    value = value.startsWith(" ") ? value.substring(1) : value;
                    data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                }
            }
        }

        /** The next line without its terminator (CR, LF or CRLF); empty at the end of the stream. */
        private Optional<String> line(Run run) throws IOException, StreamFailed {
            line.reset();
            boolean any = false;
            while (true) {
                if (pos == len) {
                    if (eof || !fill(run)) {
                        eof = true;
                        return any ? Optional.of(line.toString(StandardCharsets.UTF_8)) : Optional.empty();
                    }
                }
                byte b = buf[pos++];
                any = true;
                if (b == '\n') {
                    return Optional.of(line.toString(StandardCharsets.UTF_8));
                }
                if (b == '\r') {
                    if (pos == len && !eof && !fill(run)) {
                        eof = true;
                    }
                    if (pos < len && buf[pos] == '\n') {
                        pos++;
                    }
                    return Optional.of(line.toString(StandardCharsets.UTF_8));
                }
                if (line.size() >= MAX_LINE_BYTES) {
                    throw run.fail("upstream stream has a line longer than " + MAX_LINE_BYTES + " bytes");
                }
                line.write(b);
            }
        }

        private boolean fill(Run run) throws IOException, StreamFailed {
            int n;
            try {
                n = in.read(buf, 0, buf.length);
            } catch (IOException e) {
                throw run.fail("cannot read the upstream stream: " + e.getClass().getSimpleName());
            }
            if (n <= 0) {
                return false;
            }
            total += n;
            if (total > maxBytes) {
                throw run.fail("upstream answer larger than " + maxBytes + " bytes");
            }
            pos = 0;
            len = n;
            return true;
        }
    }
}
