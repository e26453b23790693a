/**
 * STIX 2.1 specifics: the ATLAS mitigations BotSec proposes ({@link org.botsec.report.stix.AtlasMitigation}) and
 * {@link org.botsec.report.stix.StixValidator}, BotSec's own check of the STIX 2.1 rules its bundles must keep
 * (required properties, identifier and timestamp formats, references that resolve, allowed relationships, custom
 * properties only with the {@code x_} prefix), written from the OASIS specification.
 */
package org.botsec.report.stix;
