/**
 * Numerical basics shared by every module, in the dependency-free base artifact: the stable logistic function and
 * the one human-readable number format ({@link org.botsec.core.math.Numbers}).
 */
package org.botsec.core.math;
