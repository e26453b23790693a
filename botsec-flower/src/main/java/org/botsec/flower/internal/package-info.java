/**
 * Flower wire formats: the object store's content-addressed objects ({@link org.botsec.flower.internal.ObjectContent}),
 * records as object trees ({@link org.botsec.flower.internal.FlowerRecords}), NumPy .npy arrays of the dtypes in
 * {@link org.botsec.flower.internal.NpyDtype}, Python-style JSON bodies, the node-auth call metadata and OpenSSH node
 * keys ({@link org.botsec.flower.internal.OpenSshKeys}). The protobuf classes in {@code internal.proto} are generated from BotSec's
 * own description of the Fleet API ({@code src/main/proto/botsec/flower_fleet.proto}).
 */
package org.botsec.flower.internal;
