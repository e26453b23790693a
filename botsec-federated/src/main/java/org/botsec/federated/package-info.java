/**
 * Federated learning, simulated in one process: {@link org.botsec.federated.Federation} trains a model with many
 * virtual clients (state objects on a small worker pool), a server {@link org.botsec.federated.Strategy}
 * (FedAvg, FedProx, FedAdam, FedYogi), a robust {@link org.botsec.federated.Aggregator} and optional simulated
 * malicious clients ({@link org.botsec.federated.Malicious}, including model-replacement
 * {@link org.botsec.federated.Backdoor}s). Data is split among clients by a {@link org.botsec.federated.Partition}
 * (IID, Dirichlet, shards). {@link org.botsec.federated.DpFedAvg} adds client-level differential privacy (its
 * guarantee lands in the model's provenance) and {@link org.botsec.federated.SecureAggregation} hides single
 * updates from the coordinator. Deployment over gRPC is not implemented yet.
 */
package org.botsec.federated;
