/**
 * Flower wire formats: the object store's content-addressed objects ({@link org.botsec.flower.internal.ObjectContent}),
 * records as object trees ({@link org.botsec.flower.internal.FlowerRecords}), NumPy .npy arrays, Python-style JSON
 * bodies and the node-auth call metadata. The protobuf classes in {@code internal.proto} are generated from BotSec's
 * own description of the Fleet API ({@code src/main/proto/botsec/flower_fleet.proto}).
 */
package org.botsec.flower.internal;
