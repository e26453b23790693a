package org.botsec.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.botsec.report.render.HtmlReport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @Test
    void pageIsSelfContainedAndShowsEveryCheck() {
        String html = HtmlReport.render(Fixtures.report());
        assertFalse(html.contains("<script"), "no script");
        assertFalse(html.contains("src=\"http"), "no external resource");
        assertFalse(html.contains("<link"), "no external style sheet");
        assertTrue(html.contains("Side by side"));
        assertEquals(2 * 5, count(html, "<code>quality.accuracy</code>") * 5, "one score card row per model");
        assertEquals(2, count(html, "<polyline"), "one robustness line per model");
        assertTrue(html.contains("data:image/png;base64,iVBORw"), "images inline");
        assertTrue(html.contains("AML.T0015 Evade AI Model"));
        assertTrue(html.contains("epsilon 3.2, delta 1e-5"), html);
        assertTrue(html.contains("FAILED"));
    }

    @Test
    void userStringsAreEscaped() {
        Report r = Fixtures.report();
        Report.ModelAudit a = r.audits().get(0);
        Subject s = new Subject("<script>alert(1)</script>.safetensors", "00", "mlp", "t", Optional.empty(),
                "d\"onload=\"x", "00", Optional.empty());
        CheckResult c = CheckResult.notApplicable("x.y", "<b>title</b>", "because <img src=x>");
        String html = HtmlReport.render(new Report("1.0", "v", r.createdAt(), 1,
                List.of(new Report.ModelAudit(s, List.of(c)), a)));
        assertFalse(html.contains("<script>alert"));
        assertFalse(html.contains("<img src=x>"));
        assertFalse(html.contains("<b>title"));
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    }

    @Test
    void chartScalesPointsIntoThePlotArea() {
        String svg = org.botsec.report.render.HtmlReport.render(new Report("1.0", "v",
                Fixtures.report().createdAt(), 1, List.of(new Report.ModelAudit(Fixtures.report().audits().get(0)
                .subject(), List.of(new CheckResult("c.c", "chart", CheckResult.Status.PASS, Optional.empty(),
                Map.of(), "", List.of(new Series("roc", "lira", "fpr", "tpr", new double[] {0, 0.5, 1},
                new double[] {0, 0.8, 1})), Map.of(), List.of()))))));
        // x 0..1 over [52, 428], y 0..1 over [236, 28]
        assertTrue(svg.contains("points=\"52.0,236.0 240.0,69.6 428.0,28.0\""), svg);
    }

    @Test
    void numbersAreShortAndPlain() {
        assertEquals("1e-5", HtmlReport.num(1e-5));
        assertEquals("2.5e-7", HtmlReport.num(2.5e-7));
        assertEquals("1.23e9", HtmlReport.num(1.234e9));
        assertEquals("0.3125", HtmlReport.num(0.3125));
        assertEquals("42", HtmlReport.num(42));
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    /** Headless Chromium renders the page with no console message; the screenshot goes to docs when asked. */
    @Test
    void rendersInHeadlessChromiumWithoutConsoleMessages(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "chromium is not installed: skipping the render check");
        Path page = dir.resolve("report.html");
        Files.writeString(page, HtmlReport.render(Fixtures.report()), StandardCharsets.UTF_8);
        Path png = dir.resolve("report.png");
        ProcessBuilder pb = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + dir.resolve("profile"), "--enable-logging=stderr", "--v=0",
                "--window-size=1150,1800", "--screenshot=" + png, page.toUri().toString());
        pb.redirectErrorStream(true);
        Path log = dir.resolve("chromium.log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        assertTrue(done, "chromium did not finish in 120 s");
        List<String> console = Files.readString(log, StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains(":CONSOLE")).toList();
        assertTrue(console.isEmpty(), "console messages: " + console);
        assertTrue(Files.size(png) > 10_000, "screenshot written");
        String keep = System.getProperty("botsec.report.screenshot");
        if (keep != null) {
            Files.copy(png, Path.of(keep), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
