/**
 * Training: first-order optimisers over a flat parameter vector ({@link org.botsec.core.train.Sgd},
 * {@link org.botsec.core.train.Adam}), the minibatch {@link org.botsec.core.train.Trainer} for ordinary
 * (non-private) training of an MLP, and {@link org.botsec.core.train.TrainingListener} for progress reporting.
 * Private training (DP-SGD) lives in {@code botsec-privacy} and reuses these optimisers on noisy, clipped
 * gradients.
 */
package org.botsec.core.train;
