/**
 * Implementation of the gateway: the Jetty handler, request parsing and limits, OpenAI response shapes,
 * Prometheus text exposition, PEM-to-KeyStore conversion and a token-bucket limiter. Not public API; use
 * {@link org.botsec.server.GatewayServer}.
 */
package org.botsec.server.internal;
