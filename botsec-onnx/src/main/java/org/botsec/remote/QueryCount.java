package org.botsec.remote;

import java.util.OptionalLong;

/**
 * How much a remote model was asked: {@code queries} rows sent to the endpoint (retries included: the endpoint
 * saw them), {@code requests} HTTP requests made, {@code retries} of them repeats after a failure, and the budget
 * in rows when one was set.
 */
public record QueryCount(long queries, long requests, long retries, OptionalLong budget) {
}
