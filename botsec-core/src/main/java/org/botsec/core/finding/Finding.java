package org.botsec.core.finding;

import java.util.List;
import java.util.Map;

/**
 * One thing a BotSec check found, in the form every module reports and every report renders.
 *
 * @param id               stable identifier of the check, e.g. {@code privacy.preprocessing-not-private}
 * @param title            one-line summary
 * @param severity         how serious it is
 * @param description      what it means and what to do
 * @param evidence         measured values behind it (numbers, names), JSON-friendly
 * @param atlasTechniques  MITRE ATLAS technique IDs it relates to, e.g. {@code AML.T0024}
 */
public record Finding(String id, String title, Severity severity, String description,
                      Map<String, Object> evidence, List<String> atlasTechniques) {
    public Finding {
        evidence = Map.copyOf(evidence);
        atlasTechniques = List.copyOf(atlasTechniques);
    }
}
