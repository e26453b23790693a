/**
 * Helpers of the networked federation: the hand-written gRPC method descriptors, the trust manager that adds the
 * revocation check to PKIX validation, PEM reading and writing, and the two sides of a secure-aggregation round over
 * the network (Bonawitz et al. 2017: {@code SecAggClientRound}, {@code SecAggCoordinatorRound}). Not part of the
 * supported API.
 */
package org.botsec.federated.net.internal;
