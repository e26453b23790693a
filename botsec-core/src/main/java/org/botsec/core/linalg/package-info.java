/**
 * Dense row-major matrices of doubles with BLAS-backed products. Native OpenBLAS is used when the machine has
 * it, otherwise a pure-Java kernel; compare results with tolerances, never bit equality.
 */
package org.botsec.core.linalg;
