/**
 * Federated learning over the network: {@link org.botsec.federated.net.FlServer} is the coordinator of
 * {@code botsec fl server}, {@link org.botsec.federated.net.FlClient} a data holder of {@code botsec fl client}.
 * They talk gRPC over mutual TLS: a client is known by its certificate, which must chain to the CA the server is
 * given and must not be on its {@link org.botsec.federated.net.RevocationList}. Rounds tolerate dropouts (a round
 * completes with the clients that answered when they are at least the minimum), bad updates are excluded and
 * logged, and the coordinator writes a {@link org.botsec.federated.net.Checkpoint} after every round and resumes
 * from it. Training and aggregation are botsec-federated's: a networked run with the same seed and shards
 * reproduces {@code Federation}'s simulation.
 */
package org.botsec.federated.net;
