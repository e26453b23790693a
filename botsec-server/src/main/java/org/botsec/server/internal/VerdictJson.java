package org.botsec.server.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.util.Locale;
import org.botsec.core.finding.Finding;
import org.botsec.guard.GuardFindings;
import org.botsec.guard.Verdict;

/**
 * The JSON form of a verdict ({@code verdict}, {@code text}, {@code findings}, {@code reasons}), as
 * {@code botsec guard scan} prints it; the only place where the gateway renders findings.
 */
final class VerdictJson {
    private VerdictJson() {
    }

    /** Written straight through a streaming generator (no tree, no String). */
    static byte[] bytes(Verdict v) {
        ByteArrayBuilder buf = new ByteArrayBuilder(256 + 2 * v.text().length());
        try (JsonGenerator g = OpenAiJson.MAPPER.getFactory().createGenerator(buf, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("verdict", v.action().name().toLowerCase(Locale.ROOT));
            g.writeStringField("text", v.text());
            g.writeArrayFieldStart("findings");
            for (Finding f : v.findings()) {
                g.writeObject(GuardFindings.toJson(f));
            }
            g.writeEndArray();
            g.writeArrayFieldStart("reasons");
            for (String r : v.reasons()) {
                g.writeString(r);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
        return buf.toByteArray();
    }
}
