/**
 * Numerical helpers of the inference attacks and the privacy audit: the regularised incomplete beta function
 * behind exact binomial tails and Clopper–Pearson intervals. Not public API.
 */
package org.botsec.attack.inference.internal;
