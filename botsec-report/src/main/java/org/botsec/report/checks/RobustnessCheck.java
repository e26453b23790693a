package org.botsec.report.checks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.botsec.attack.evasion.EvasionResult;
import org.botsec.attack.evasion.GradientAttack;
import org.botsec.attack.evasion.Norm;
import org.botsec.attack.evasion.RobustnessCurve;
import org.botsec.attack.evasion.ValueRange;
import org.botsec.core.data.Dataset;
import org.botsec.core.finding.Finding;
import org.botsec.core.model.GradientModel;
import org.botsec.report.CheckResult;
import org.botsec.report.Series;
import org.botsec.report.Threshold;
import org.botsec.report.audit.AuditCheck;
import org.botsec.report.audit.AuditConfig;
import org.botsec.report.audit.AuditContext;

/**
 * Robustness to small input changes (evasion): FGSM (Goodfellow et al. 2015) and PGD (Madry et al. 2018) under
 * the L∞ norm, with robust accuracy drawn against ε (0 to 2ε in five steps); the check holds PGD's robust accuracy
 * at ε. Needs input gradients and inputs on a common [0, 1] scale (images): an ε in raw units of tabular features
 * that differ by orders of magnitude would mean nothing.
 */
public final class RobustnessCheck implements AuditCheck {
    public static final String ID = "robustness.pgd";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Robust accuracy under FGSM and PGD (L-infinity)";
    }

    @Override
    public List<AuditConfig.Setting> settings() {
        return List.of(new AuditConfig.Setting("epsilon", 0.1, 0.001, 1, "L-infinity budget the threshold applies at"),
                new AuditConfig.Setting("steps", 20, 1, 1000, "PGD steps (step size epsilon/4, as Madry et al.)"),
                new AuditConfig.Setting("rows", 200, 10, 100000, "audit rows attacked"),
                new AuditConfig.Setting("min_robust_accuracy", 0.3, 0, 1, "lowest acceptable PGD robust accuracy"));
    }

    /** True when every value is in [0, 1], the scale of image pixels. */
    static boolean unitScaled(Dataset d) {
        for (double v : d.x().data()) {
            if (!(v >= 0 && v <= 1)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public CheckResult run(AuditContext ctx, AuditConfig.Section s) {
        if (ctx.text().isPresent()) {
            return CheckResult.notApplicable(ID, title(), "A text model: moving TF-IDF features by epsilon gives no "
                    + "text a user could type; " + TextRobustnessCheck.ID + " covers text models.");
        }
        if (ctx.gradientModel().isEmpty()) {
            return CheckResult.notApplicable(ID, title(), "The model gives no input gradients (a black box); "
                    + "run botsec attack evasion --method square instead.");
        }
        if (!unitScaled(ctx.data())) {
            return CheckResult.notApplicable(ID, title(), "The inputs are not on a common [0, 1] scale (tabular "
                    + "features), so one epsilon for all features would mean nothing.");
        }
        GradientModel g = ctx.gradientModel().get();
        Dataset rows = Sampling.rows(ctx.data(), s.getInt("rows"), ctx.seed());
        double eps = s.get("epsilon");
        int steps = s.getInt("steps");
        double[] grid = {0, eps / 2, eps, 1.5 * eps, 2 * eps};
        RobustnessCurve fgsm = RobustnessCurve.of(grid, e -> GradientAttack.fgsm().norm(Norm.LINF).epsilon(e)
                .valueRange(ValueRange.UNIT).build(), g, rows.x(), rows.y());
        RobustnessCurve pgd = RobustnessCurve.of(grid, e -> GradientAttack.pgd().norm(Norm.LINF).epsilon(e)
                .stepSize(Math.max(e / 4, 1e-12)).steps(steps).seed(ctx.seed()).valueRange(ValueRange.UNIT).build(),
                g, rows.x(), rows.y());
        EvasionResult atEps = pgd.points().get(2).result();
        Map<String, Double> metrics = new LinkedHashMap<>(atEps.metrics().asMap());
        metrics.put("fgsm_robust_accuracy", fgsm.points().get(2).robustAccuracy());
        metrics.put("epsilon", eps);
        List<Series> series = List.of(series("fgsm", fgsm), series("pgd", pgd));
        Threshold t = new Threshold("robust_accuracy", Threshold.Direction.AT_LEAST, s.get("min_robust_accuracy"));
        List<Finding> findings = new ArrayList<>();
        if (atEps.metrics().successRate() > 0) {
            findings.add(atEps.finding());
        }
        return CheckResult.measured(ID, title(), t, metrics, "PGD-" + steps + " at epsilon " + eps + " on "
                + rows.size() + " rows; the chart shows FGSM and PGD from 0 to 2 epsilon.", series,
                Images.adversarialExamples(atEps, rows, 3), findings);
    }

    private static Series series(String name, RobustnessCurve c) {
        double[] x = new double[c.points().size()];
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = c.points().get(i).epsilon();
            y[i] = c.points().get(i).robustAccuracy();
        }
        return new Series("robustness_curve", name, "epsilon (L-infinity)", "robust accuracy", x, y);
    }
}
