package org.botsec.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in-process with captured stdout and stderr. */
public record CliRun(int code, String out, String err) {
    public static CliRun run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Botsec.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** stdout parsed as exactly one JSON document (fails if there is anything else). */
    public JsonNode json() {
        try (JsonParser p = Json.MAPPER.createParser(out)) {
            JsonNode node = Json.MAPPER.readTree(p);
            if (node == null || p.nextToken() != null) {
                throw new AssertionError("stdout is not exactly one JSON document:\n" + out);
            }
            return node;
        } catch (IOException e) {
            throw new AssertionError("stdout is not JSON: " + e.getMessage() + "\n" + out, e);
        }
    }

    @Override
    public String toString() {
        return "exit " + code + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
}
