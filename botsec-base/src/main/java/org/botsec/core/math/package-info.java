/** Numerical basics shared by every module, in the dependency-free base artifact: the stable logistic function. */
package org.botsec.core.math;
