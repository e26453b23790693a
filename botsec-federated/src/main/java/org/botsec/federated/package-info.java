/**
 * Federated learning, simulated in one process: {@link org.botsec.federated.Federation} trains a model with many
 * virtual clients (state objects on a small worker pool), a server {@link org.botsec.federated.Strategy}
 * (FedAvg, FedProx, FedAdam, FedYogi), a robust {@link org.botsec.federated.Aggregator} and optional simulated
 * malicious clients. Data is split among clients by a {@link org.botsec.federated.Partition} (IID, Dirichlet,
 * shards). Deployment over gRPC, secure aggregation and DP-FedAvg are not implemented yet.
 */
package org.botsec.federated;
