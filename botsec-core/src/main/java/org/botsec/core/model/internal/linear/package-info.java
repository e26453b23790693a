/**
 * Implementation of the linear models: the penalised logistic (binary sigmoid / multinomial softmax) objective
 * over a dense or sparse design matrix, and the L-BFGS minimiser with a Wolfe line search that fits it.
 * Not a public API; use {@link org.botsec.core.model.LogisticRegression}.
 */
package org.botsec.core.model.internal.linear;
