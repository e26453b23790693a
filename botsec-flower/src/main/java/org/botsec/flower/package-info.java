/**
 * A BotSec client node for a Flower federation: {@link org.botsec.flower.FlowerClient} joins a Flower SuperLink
 * through Flower's Fleet gRPC API (Flower 1.23), signs every call with its ECDSA P-384 node key, pulls the
 * SuperLink's {@code train} and {@code evaluate} messages with their arrays from the content-addressed object store,
 * trains locally with botsec-federated's client update (McMahan et al. 2017) and pushes the reply in the shape
 * Flower's FedAvg strategy aggregates. Messages of other types get an error reply; nothing a server sends can make
 * the client crash or allocate without bound.
 */
package org.botsec.flower;
