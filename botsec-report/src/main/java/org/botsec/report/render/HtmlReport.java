package org.botsec.report.render;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.botsec.core.finding.Finding;
import org.botsec.report.CheckResult;
import org.botsec.report.Report;
import org.botsec.report.Series;
import org.botsec.report.Subject;

/**
 * A {@link Report} as one self-contained HTML page: no script, no external style sheet, font or image (charts are
 * inline SVG, images {@code data:} URIs), so it opens offline and can be attached to a ticket. Order: the verdict,
 * a side-by-side score card when several models were audited, then per model its score card (check, status,
 * threshold, measured value), charts, images, findings and provenance. Every string is HTML-escaped.
 */
public final class HtmlReport {
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf"};

    private HtmlReport() {
    }

    /** The page. */
    public static String render(Report report) {
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>BotSec audit</title>\n<style>\n").append(CSS).append("</style></head><body>\n");
        h.append("<h1>BotSec audit <span class=\"badge ").append(report.passed() ? "pass" : "fail").append("\">")
                .append(report.passed() ? "PASSED" : "FAILED").append("</span></h1>\n");
        h.append("<p class=\"meta\">BotSec ").append(esc(report.botsecVersion())).append(" &middot; ")
                .append(esc(report.createdAt().toString())).append(" &middot; seed ").append(report.seed())
                .append(" (the same seed and inputs give the same numbers)</p>\n");
        if (report.audits().size() > 1) {
            sideBySide(h, report);
        }
        int chart = 0;
        for (Report.ModelAudit a : report.audits()) {
            h.append("<section><h2>").append(esc(a.subject().modelFile())).append(" <span class=\"badge ")
                    .append(a.passed() ? "pass" : "fail").append("\">").append(a.passed() ? "passed" : "failed")
                    .append("</span></h2>\n");
            scoreCard(h, a);
            for (CheckResult c : a.checks()) {
                if (c.series().isEmpty() && c.images().isEmpty()) {
                    continue;
                }
                h.append("<h3>").append(esc(c.title())).append("</h3>\n<div class=\"row\">");
                for (Map.Entry<String, List<Series>> e : byChart(c.series()).entrySet()) {
                    h.append(svg(e.getKey(), e.getValue(), chart++));
                }
                for (Map.Entry<String, byte[]> img : c.images().entrySet()) {
                    h.append("<figure><img alt=\"").append(esc(img.getKey())).append("\" src=\"data:image/png;base64,")
                            .append(Base64.getEncoder().encodeToString(img.getValue()))
                            .append("\"><figcaption>").append(esc(img.getKey())).append("</figcaption></figure>");
                }
                h.append("</div>\n");
            }
            findings(h, a.findings());
            provenance(h, a.subject());
            h.append("</section>\n");
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void sideBySide(StringBuilder h, Report report) {
        Set<String> ids = new LinkedHashSet<>();
        Map<String, String> titles = new LinkedHashMap<>();
        for (Report.ModelAudit a : report.audits()) {
            for (CheckResult c : a.checks()) {
                ids.add(c.id());
                titles.putIfAbsent(c.id(), c.title());
            }
        }
        h.append("<section><h2>Side by side</h2><table><tr><th>check</th>");
        for (Report.ModelAudit a : report.audits()) {
            h.append("<th>").append(esc(a.subject().modelFile())).append("</th>");
        }
        h.append("</tr>\n");
        for (String id : ids) {
            h.append("<tr><td>").append(esc(titles.get(id))).append("</td>");
            for (Report.ModelAudit a : report.audits()) {
                CheckResult c = a.checks().stream().filter(x -> x.id().equals(id)).findFirst().orElse(null);
                if (c == null) {
                    h.append("<td>&ndash;</td>");
                } else {
                    h.append("<td>").append(status(c)).append(' ')
                            .append(c.measuredValue().map(HtmlReport::num).orElse("")).append("</td>");
                }
            }
            h.append("</tr>\n");
        }
        h.append("</table></section>\n");
    }

    private static void scoreCard(StringBuilder h, Report.ModelAudit a) {
        h.append("<table><tr><th>check</th><th>status</th><th>threshold</th><th>measured</th><th>notes</th></tr>\n");
        for (CheckResult c : a.checks()) {
            h.append("<tr><td>").append(esc(c.title())).append("<br><code>").append(esc(c.id())).append("</code></td><td>")
                    .append(status(c)).append("</td><td>")
                    .append(c.threshold().map(t -> esc(t.metric() + " " + t.direction().symbol() + " " + num(t.value())))
                            .orElse("&ndash;"))
                    .append("</td><td>").append(c.measuredValue().map(HtmlReport::num).orElse("&ndash;"))
                    .append("</td><td>").append(esc(c.summary())).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void findings(StringBuilder h, List<Finding> findings) {
        if (findings.isEmpty()) {
            return;
        }
        h.append("<h3>Findings</h3><table><tr><th>severity</th><th>finding</th><th>MITRE ATLAS</th><th>evidence</th></tr>\n");
        for (Finding f : findings) {
            h.append("<tr><td><span class=\"sev ").append(f.severity().name().toLowerCase(Locale.ROOT)).append("\">")
                    .append(f.severity().name().toLowerCase(Locale.ROOT)).append("</span></td><td>")
                    .append(esc(f.title())).append("<br><code>").append(esc(f.ruleId())).append("</code>");
            if (!f.description().isEmpty()) {
                h.append("<br>").append(esc(f.description()));
            }
            h.append("</td><td>").append(f.atlas().map(t -> esc(t.id() + " " + t.title())).orElse("&ndash;"))
                    .append("</td><td>");
            List<String> ev = new ArrayList<>();
            f.evidence().forEach((k, v) -> ev.add(esc(k) + " = " + esc(v instanceof Double d ? num(d) : String.valueOf(v))));
            h.append(String.join("<br>", ev)).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void provenance(StringBuilder h, Subject s) {
        h.append("<h3>Provenance</h3><table class=\"kv\">");
        row(h, "model file", s.modelFile());
        row(h, "model SHA-256", s.modelSha256());
        row(h, "model type", s.modelType());
        row(h, "trainer", s.trainer());
        row(h, "privacy", s.privacy().map(g -> String.format(Locale.ROOT,
                "epsilon %s, delta %s (%s accountant, per %s, noise: %s)%s", num(g.epsilon()), num(g.delta()),
                g.accountant().label(), g.unit().label(), g.noise().label(),
                g.notCovered().isEmpty() ? "" : "; NOT covered: " + String.join("; ", g.notCovered())))
                .orElse("not trained with differential privacy"));
        row(h, "data", s.data());
        row(h, "data SHA-256", s.dataSha256());
        s.trainData().ifPresent(t -> row(h, "training data", t));
        h.append("</table>\n");
    }

    private static void row(StringBuilder h, String k, String v) {
        h.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>");
    }

    private static String status(CheckResult c) {
        String s = c.status().label();
        return "<span class=\"badge " + s + "\">" + s.replace('_', ' ') + "</span>";
    }

    private static Map<String, List<Series>> byChart(List<Series> series) {
        Map<String, List<Series>> m = new LinkedHashMap<>();
        for (Series s : series) {
            m.computeIfAbsent(s.chart(), k -> new ArrayList<>()).add(s);
        }
        return m;
    }

    /** A line chart with axes, ticks and a legend, as inline SVG. */
    static String svg(String title, List<Series> lines, int index) {
        final double w = 440;
        final double hgt = 280;
        final double left = 52;
        final double right = 12;
        final double top = 28;
        final double bottom = 44;
        double xmin = Double.POSITIVE_INFINITY;
        double xmax = Double.NEGATIVE_INFINITY;
        double ymin = Double.POSITIVE_INFINITY;
        double ymax = Double.NEGATIVE_INFINITY;
        for (Series s : lines) {
            for (double v : s.x()) {
                xmin = Math.min(xmin, v);
                xmax = Math.max(xmax, v);
            }
            for (double v : s.y()) {
                ymin = Math.min(ymin, v);
                ymax = Math.max(ymax, v);
            }
        }
        if (!(xmax > xmin)) {
            xmax = xmin + 1;
        }
        if (ymin >= 0 && ymax <= 1) {
            ymin = 0;
            ymax = 1;
        } else if (!(ymax > ymin)) {
            ymax = ymin + 1;
        }
        final double x0 = xmin;
        final double xs = (w - left - right) / (xmax - xmin);
        final double y0 = ymin;
        final double ys = (hgt - top - bottom) / (ymax - ymin);
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg class=\"chart\" role=\"img\" aria-labelledby=\"c%d\" width=\"%.0f\" "
                + "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" xmlns=\"http://www.w3.org/2000/svg\">", index, w, hgt, w, hgt));
        b.append("<title id=\"c").append(index).append("\">").append(esc(title)).append("</title>");
        b.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"16\" class=\"ct\">%s</text>", left, esc(title.replace('_', ' '))));
        b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"ax\"/>",
                left, hgt - bottom, w - right, hgt - bottom));
        b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"ax\"/>",
                left, top, left, hgt - bottom));
        for (int i = 0; i <= 4; i++) {
            double xv = xmin + (xmax - xmin) * i / 4;
            double px = left + (xv - x0) * xs;
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" class=\"tk\" text-anchor=\"middle\">%s</text>",
                    px, hgt - bottom + 14, num(xv)));
            double yv = ymin + (ymax - ymin) * i / 4;
            double py = hgt - bottom - (yv - y0) * ys;
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" class=\"tk\" text-anchor=\"end\">%s</text>",
                    left - 4, py + 4, num(yv)));
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"gr\"/>",
                    left, py, w - right, py));
        }
        Series first = lines.get(0);
        b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" class=\"al\" text-anchor=\"middle\">%s</text>",
                left + (w - left - right) / 2, hgt - 8, esc(first.xLabel())));
        b.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%.1f\" class=\"al\" text-anchor=\"middle\" "
                + "transform=\"rotate(-90 12 %.1f)\">%s</text>", top + (hgt - top - bottom) / 2,
                top + (hgt - top - bottom) / 2, esc(first.yLabel())));
        for (int k = 0; k < lines.size(); k++) {
            Series s = lines.get(k);
            String colour = COLOURS[k % COLOURS.length];
            StringBuilder pts = new StringBuilder();
            double[] x = s.x();
            double[] y = s.y();
            for (int i = 0; i < x.length; i++) {
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", left + (x[i] - x0) * xs, hgt - bottom - (y[i] - y0) * ys));
            }
            b.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(colour).append("\" points=\"")
                    .append(pts.toString().trim()).append("\"/>");
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" class=\"lg\" text-anchor=\"end\" "
                    + "fill=\"%s\">%s</text>", w - right - 4, top + 14 + 14 * k, colour, esc(s.name())));
        }
        return b.append("</svg>").toString();
    }

    public static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return String.valueOf((long) v);
        }
        if (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6) {
            return String.format(Locale.ROOT, "%.4g", v).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
        }
        // 1e-5, 2.5e-7: no trailing zeros, no padded exponent
        return String.format(Locale.ROOT, "%.3g", v).replaceAll("(\\.\\d*?)0+e", "$1e").replace(".e", "e")
                .replaceAll("e([+-])0*(\\d)", "e$1$2").replace("e+", "e");
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
            h1{font-size:24px}h2{font-size:19px;margin-top:32px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:15px;margin-top:20px}
            .meta{color:#666;font-size:13px}
            table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0}
            th,td{border:1px solid #e2e2e2;padding:5px 8px;text-align:left;vertical-align:top}
            th{background:#f6f6f6}table.kv th{width:160px}
            code{font-size:11px;color:#555}
            .badge{display:inline-block;border-radius:4px;padding:1px 7px;font-size:12px;font-weight:600;color:#fff;background:#888}
            .badge.pass{background:#2e7d32}.badge.fail{background:#c62828}.badge.error{background:#6a1b9a}.badge.not_applicable{background:#9e9e9e}
            .sev{font-weight:600}.sev.critical,.sev.high{color:#c62828}.sev.medium{color:#ef6c00}.sev.low,.sev.info{color:#555}
            .row{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
            figure{margin:0}figure img{image-rendering:pixelated;width:140px;height:140px;border:1px solid #ccc}
            figcaption{font-size:12px;color:#555;max-width:140px}
            .chart .ax{stroke:#333}.chart .gr{stroke:#eee}.chart .tk{font-size:10px;fill:#555}
            .chart .al{font-size:11px;fill:#333}.chart .ct{font-size:12px;font-weight:600}.chart .lg{font-size:11px}
            """;
}
