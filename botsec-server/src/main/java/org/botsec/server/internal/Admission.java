package org.botsec.server.internal;

import java.util.Map;
import java.util.Optional;
import org.botsec.guard.RateLimiter;
import org.botsec.server.ApiKeys;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * Who may send a request: the API key (when keys are configured), then the client's rate limit (per key name,
 * or per remote address without keys). Each refusal is an {@link HttpError} (401 or 429 with Retry-After).
 */
final class Admission {
    private final ApiKeys apiKeys;
    private final RateLimiter limiter;

    /** @param apiKeys null for no keys; @param limiter null for no limit */
    Admission(ApiKeys apiKeys, RateLimiter limiter) {
        this.apiKeys = apiKeys;
        this.limiter = limiter;
    }

    /** The API key, then the rate limit of the key (or of the remote address without keys). */
    void admit(Request request) {
        String client = authenticate(request).map(name -> "key:" + name).orElseGet(() -> "addr:" + Request.getRemoteAddr(request));
        if (limiter != null) {
            RateLimiter.Decision d = limiter.check(client);
            if (!d.allowed()) {
                long seconds = Math.max(1, (d.retryAfter().toMillis() + 999) / 1000);
                throw new HttpError(429, "rate_limit_error", "rate limit exceeded, retry in " + seconds + " s",
                        Map.of("Retry-After", Long.toString(seconds)));
            }
        }
    }

    /**
     * Checks the API key only (no rate limit): the key's name, or empty when no keys are configured. A missing,
     * malformed or unknown key is a 401.
     */
    Optional<String> authenticate(Request request) {
        if (apiKeys == null) {
            return Optional.empty();
        }
        String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (auth == null || auth.isBlank()) {
            throw new HttpError(401, "authentication_error", "missing API key: send Authorization: Bearer <key>");
        }
        if (auth.length() < 8 || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new HttpError(401, "authentication_error", "Authorization header must be 'Bearer <key>'");
        }
        Optional<String> name = apiKeys.lookup(auth.substring(7).strip());
        if (name.isEmpty()) {
            throw new HttpError(401, "authentication_error", "invalid API key");
        }
        return name;
    }
}
