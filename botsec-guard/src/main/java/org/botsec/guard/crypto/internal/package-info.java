/**
 * Implementation details of the crypto package: one-time Tink registration and small file helpers
 * (bounded reads, atomic replacement of key files). Not part of the public API; may change without notice.
 */
package org.botsec.guard.crypto.internal;
