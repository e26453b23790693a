/**
 * The BotSec HTTP gateway: a Jetty 12 server that puts a {@link org.botsec.guard.Guard} in a chatbot's request
 * path. It offers {@code POST /v1/guard/input} and {@code /v1/guard/output} for direct scans, an
 * OpenAI-compatible {@code POST /v1/chat/completions} proxy that scans requests and answers, {@code /health}
 * and Prometheus {@code /metrics}. Start it with {@link org.botsec.server.GatewayServer#builder()}; client API
 * keys, rate limits, TLS from PEM files and the audit log are options of the builder.
 */
package org.botsec.server;
