package org.botsec.core.finding;

/** How serious a finding is, in the order reviewers triage them. */
public enum Severity {
    INFO, LOW, MEDIUM, HIGH, CRITICAL
}
