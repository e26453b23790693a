package org.botsec.report.audit;

import java.util.List;
import org.botsec.report.CheckResult;

/**
 * One check of an audit. A check decides itself whether it applies (a white-box attack on a model without
 * gradients does not; it says why in a {@link CheckResult.Status#NOT_APPLICABLE} result) and reads its settings
 * from the {@link AuditConfig} section named by its {@link #id()}.
 */
public interface AuditCheck {
    /** Stable dotted ID, the config section and SARIF rule ID, e.g. {@code robustness.pgd}. */
    String id();

    /** One line for the score card. */
    String title();

    /** The settings this check accepts, with their defaults and allowed ranges. */
    List<AuditConfig.Setting> settings();

    /** Runs the check on one model. */
    CheckResult run(AuditContext context, AuditConfig.Section settings);
}
