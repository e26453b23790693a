/**
 * Implementation of the gateway: the Jetty handler, request parsing and limits, OpenAI response shapes,
 * Prometheus text exposition, and PEM-to-KeyStore conversion. Not public API; use
 * {@link org.botsec.server.GatewayServer}.
 */
package org.botsec.server.internal;
