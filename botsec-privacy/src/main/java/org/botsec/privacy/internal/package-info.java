/**
 * Implementation details of the privacy module: special functions (erfc, the normal CDF in log space) and a
 * radix-2 FFT used by the privacy-loss-distribution accountant. Not public API: signatures may change without
 * notice. Everything here is stateless and thread-safe.
 */
package org.botsec.privacy.internal;
