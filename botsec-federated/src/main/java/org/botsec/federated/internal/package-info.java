/**
 * Implementation details of {@link org.botsec.federated}: local client training, server optimisers, sampling, the
 * DP-FedAvg server state, Shamir sharing and one secure-aggregation round.
 */
package org.botsec.federated.internal;
