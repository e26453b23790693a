package org.botsec.report.checks;

import java.util.List;
import java.util.Map;
import org.botsec.attack.AttackReport;
import org.botsec.attack.inference.MembershipData;
import org.botsec.attack.inference.MembershipInference;
import org.botsec.attack.inference.MembershipMethod;
import org.botsec.attack.inference.MembershipResult;
import org.botsec.core.data.Dataset;
import org.botsec.report.CheckResult;
import org.botsec.report.Series;
import org.botsec.report.Threshold;
import org.botsec.report.audit.AuditCheck;
import org.botsec.report.audit.AuditConfig;
import org.botsec.report.audit.AuditContext;

/**
 * Membership inference by the loss threshold (Yeom et al. 2018): training rows (members) against audit rows
 * (non-members). Needs the training data. Reports AUC, TPR at low FPR and the empirical ε lower bound, with the
 * ROC as a chart.
 */
public final class MembershipCheck implements AuditCheck {
    public static final String ID = "privacy.membership";

    /**
     * The metric key of the membership advantage max over thresholds of TPR − FPR (Yeom, Giacomelli, Fredrikson, Jha
     * 2018, "Privacy Risk in Machine Learning: Analyzing the Connection to Overfitting", CSF, Definition 4): 0 for an
     * attacker no better than chance, 1 for one that separates members from non-members perfectly.
     */
    public static final String ADVANTAGE = "advantage";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Membership inference (loss threshold)";
    }

    @Override
    public List<AuditConfig.Setting> settings() {
        return List.of(new AuditConfig.Setting("rows", 500, 20, 100000, "members and non-members sampled (each)"),
                new AuditConfig.Setting("max_auc", 0.6, 0.5, 1.0, "largest acceptable attack AUC"));
    }

    @Override
    public CheckResult run(AuditContext ctx, AuditConfig.Section s) {
        if (ctx.train().isEmpty()) {
            return CheckResult.notApplicable(ID, title(), "Needs the training data (--train-data) to know the members.");
        }
        MembershipResult r = attack(ctx, s.getInt("rows"));
        AttackReport report = r.toReport();
        Threshold t = new Threshold("auc", Threshold.Direction.AT_MOST, s.get("max_auc"));
        double[][] pts = thin(r.roc().falsePositiveRates(), r.roc().truePositiveRates(), 200);
        Series roc = new Series("membership_roc", "loss threshold", "false positive rate", "true positive rate",
                pts[0], pts[1]);
        Map<String, Double> metrics = new java.util.LinkedHashMap<>(report.metrics());
        metrics.put(ADVANTAGE, advantage(r.roc().falsePositiveRates(), r.roc().truePositiveRates()));
        return CheckResult.measured(ID, title(), t, metrics,
                "Members: sampled training rows; non-members: sampled audit rows. AUC 0.5 is chance.",
                List.of(roc), Map.of(), t.passes(r.auc()) ? List.of() : report.findings());
    }

    /** max(TPR − FPR) over the ROC's points (the threshold that separates best); 0 at worst (the point (0, 0)). */
    static double advantage(double[] fpr, double[] tpr) {
        double best = 0;
        for (int i = 0; i < fpr.length; i++) {
            best = Math.max(best, tpr[i] - fpr[i]);
        }
        return best;
    }

    /** At most about {@code max} points of a curve, always keeping the first and the last. */
    static double[][] thin(double[] x, double[] y, int max) {
        int step = Math.max(1, (x.length + max - 1) / max);
        int n = (x.length - 1) / step + 1 + ((x.length - 1) % step == 0 ? 0 : 1);
        double[][] out = new double[2][n];
        int k = 0;
        for (int i = 0; i < x.length; i += step) {
            out[0][k] = x[i];
            out[1][k++] = y[i];
        }
        if (k < n) {
            out[0][k] = x[x.length - 1];
            out[1][k] = y[y.length - 1];
        }
        return out;
    }

    /** The attack as the privacy audit also runs it. */
    static MembershipResult attack(AuditContext ctx, int rows) {
        Dataset members = Sampling.rows(ctx.train().orElseThrow(), rows, ctx.seed());
        Dataset nonMembers = Sampling.rows(ctx.data(), rows, ctx.seed() + 1);
        double delta = ctx.subject().privacy().map(g -> g.delta()).orElse(1e-5);
        return MembershipInference.builder(MembershipMethod.THRESHOLD).seed(ctx.seed()).delta(delta).build()
                .run(ctx.model(), MembershipData.forModel(ctx.model(), members, nonMembers));
    }
}
