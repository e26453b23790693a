package org.botsec.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.botsec.cli.Botsec;
import org.botsec.cli.CliRun;
import org.botsec.cli.ExitCode;
import org.botsec.cli.Json;
import org.botsec.core.data.DataSources;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --require-signature PUB}: a model signed by that key is served (its predictions over HTTP equal the
 * same file's predictions in-process); a flipped byte, a missing signature or another key's signature stop the
 * start-up with one line and exit 3 before any port is opened — for a BotSec model and for an ONNX model (whole-file
 * signature).
 */
class ServeRequireSignatureTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path onnx;
    static Path pub;
    static Path otherPub;

    @BeforeAll
    static void trainSignAndKeygen() {
        model = dir.resolve("bc.safetensors");
        assertEquals(0, CliRun.run("train", "--data", "builtin:breast_cancer", "--model", "logreg", "--out",
                model.toString(), "--quiet").code());
        onnx = dir.resolve("bc.onnx");
        CliRun e = CliRun.run("models", "export-onnx", "--model", model.toString(), "--out", onnx.toString());
        assertEquals(0, e.code(), e.toString());
        Path key = dir.resolve("signing.key.json");
        assertEquals(0, CliRun.run("models", "keygen", "--out", key.toString()).code());
        pub = dir.resolve("signing.pub.json");
        Path other = dir.resolve("other.key.json");
        assertEquals(0, CliRun.run("models", "keygen", "--out", other.toString()).code());
        otherPub = dir.resolve("other.pub.json");
        for (Path m : new Path[] {model, onnx}) {
            CliRun s = CliRun.run("models", "sign", "--model", m.toString(), "--key", key.toString(), "--json");
            assertEquals(0, s.code(), s.toString());
            assertEquals(m == onnx ? "whole_file" : "header_and_tensors", s.json().get("covers").asText(), s.out());
        }
    }

    /** Runs serve in a thread; returns its exit code when it ends by itself within 60 s, else serves once and stops. */
    private record Serve(int code, String out, String err, String predictBody) {
    }

    private static Serve serve(String name, Path m, Path publicKey) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger code = new AtomicInteger(-1);
        Thread t = new Thread(() -> code.set(Botsec.execute(new PrintWriter(out, true), new PrintWriter(err, true),
                "serve", "--port", "0", "--model", name + "=" + m, "--require-signature", publicKey.toString())));
        t.start();
        Pattern p = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");
        URI base = null;
        for (int i = 0; i < 1200 && base == null && t.isAlive(); i++) {
            Matcher mt = p.matcher(out.toString());
            if (mt.find()) {
                base = URI.create(mt.group(1));
            } else {
                Thread.sleep(50);
            }
        }
        if (base == null) {
            t.join(10_000);
            assertFalse(t.isAlive(), "serve neither listened nor stopped: " + out + err);
            return new Serve(code.get(), out.toString(), err.toString(), null);
        }
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    base.resolve("/v1/models/" + name + "/predict")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"rows\": " + rowsJson() + "}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            return new Serve(-1, out.toString(), err.toString(), r.body());
        } finally {
            t.interrupt();
            t.join(10_000);
        }
    }

    private static Matrix rows() {
        return DataSources.loadNumeric("builtin:breast_cancer:test", null).x().selectRows(new int[] {0, 1, 2, 3, 4});
    }

    private static String rowsJson() throws IOException {
        Matrix x = rows();
        double[][] a = new double[x.rows()][];
        for (int i = 0; i < x.rows(); i++) {
            a[i] = new double[x.cols()];
            for (int j = 0; j < x.cols(); j++) {
                a[i][j] = x.get(i, j);
            }
        }
        return Json.MAPPER.writeValueAsString(a);
    }

    private static void assertServedAsLocally(Path m, Serve s) throws IOException {
        assertTrue(s.predictBody() != null, "not served: exit " + s.code() + " " + s.err());
        JsonNode probs = Json.MAPPER.readTree(s.predictBody()).get("probabilities");
        // reference: the same file loaded in this process without any signature check
        Matrix expected = ((Classifier) ModelFiles.load(m)).predictProba(rows());
        assertEquals(expected.rows(), probs.size());
        for (int i = 0; i < expected.rows(); i++) {
            for (int j = 0; j < expected.cols(); j++) {
                assertEquals(expected.get(i, j), probs.get(i).get(j).asDouble(), 1e-12, s.predictBody());
            }
        }
    }

    private static void assertRefused(Serve s, String why) {
        assertEquals(ExitCode.THRESHOLD_FAILED, s.code(), s.out() + s.err());
        assertEquals(1, s.err().strip().lines().count(), s.err());
        assertTrue(s.err().startsWith("botsec: signature required but not valid: "), s.err());
        assertTrue(s.err().contains(why), s.err());
        assertFalse(s.out().contains("listening"), s.out());
        assertTrue(s.predictBody() == null);
    }

    @Test
    void signedModelsAreServed() throws Exception {
        assertServedAsLocally(model, serve("bc", model, pub));
        assertServedAsLocally(onnx, serve("bconnx", onnx, pub));
    }

    @Test
    void aFlippedByteIsRefused() throws Exception {
        Path m = dir.resolve("flipped.safetensors");
        byte[] bytes = Files.readAllBytes(model);
        bytes[bytes.length - 3] ^= 0x01; // inside the last tensor
        Files.write(m, bytes);
        Files.copy(Path.of(model + ".sig"), Path.of(m + ".sig"));
        assertRefused(serve("bc", m, pub), "does not match its SHA-256");

        Path o = dir.resolve("flipped.onnx");
        byte[] ob = Files.readAllBytes(onnx);
        ob[ob.length / 2] ^= 0x01;
        Files.write(o, ob);
        Files.copy(Path.of(onnx + ".sig"), Path.of(o + ".sig"));
        assertRefused(serve("bc", o, pub), "changed since it was signed");
    }

    @Test
    void aMissingSignatureIsRefused() throws Exception {
        Path m = dir.resolve("unsigned.safetensors");
        Files.copy(model, m);
        assertRefused(serve("bc", m, pub), "has no signature file");
        Path o = dir.resolve("unsigned.onnx");
        Files.copy(onnx, o);
        assertRefused(serve("bc", o, pub), "has no signature file");
    }

    @Test
    void anotherKeysSignatureIsRefused() throws Exception {
        assertRefused(serve("bc", model, otherPub), "does not verify with public key");
        assertRefused(serve("bc", onnx, otherPub), "does not verify with public key");
    }

    @Test
    void theFlagWithoutAModelIsBadInput() {
        CliRun r = CliRun.run("serve", "--port", "0", "--require-signature", pub.toString());
        assertEquals(ExitCode.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().startsWith("botsec: --require-signature needs --model"), r.err());
    }

    @Test
    void withoutTheFlagAnUnsignedModelIsServed() throws Exception {
        Path m = dir.resolve("plain.safetensors");
        Files.copy(model, m);
        StringWriter out = new StringWriter();
        // the check is opt-in: a deployment that does not ask for it keeps working
        assertServedAsLocally(m, serveWithout(m, out));
    }

    private static Serve serveWithout(Path m, StringWriter out) throws Exception {
        StringWriter err = new StringWriter();
        Thread t = new Thread(() -> Botsec.execute(new PrintWriter(out, true), new PrintWriter(err, true),
                "serve", "--port", "0", "--model", "bc=" + m));
        t.start();
        Pattern p = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");
        URI base = null;
        for (int i = 0; i < 1200 && base == null && t.isAlive(); i++) {
            Matcher mt = p.matcher(out.toString());
            if (mt.find()) {
                base = URI.create(mt.group(1));
            } else {
                Thread.sleep(50);
            }
        }
        try {
            assertTrue(base != null, err.toString());
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    base.resolve("/v1/models/bc/predict")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"rows\": " + rowsJson() + "}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Serve(-1, out.toString(), err.toString(), r.body());
        } finally {
            t.interrupt();
            t.join(10_000);
        }
    }
}
