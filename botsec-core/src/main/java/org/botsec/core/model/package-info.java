/**
 * Models and their capabilities. A model advertises what it can do — {@link org.botsec.core.model.Classifier}
 * (probabilities), {@link org.botsec.core.model.GradientModel} (input gradients),
 * {@link org.botsec.core.model.PerExampleGradients} (per-example parameter gradients for DP-SGD) — and each
 * consumer asks for only what it needs, naming what it found when a capability is missing.
 */
package org.botsec.core.model;
