/**
 * Helpers of the networked federation: the hand-written gRPC method descriptors, the trust manager that adds the
 * revocation check to PKIX validation, PEM reading and writing. Not part of the supported API.
 */
package org.botsec.federated.net.internal;
