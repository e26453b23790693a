/**
 * Safe handling of files a user names: bounded reads, atomic writes with fsync, and the one rule for output paths
 * ({@link org.botsec.core.files.SafeFiles#checkOutputFile}). Stateless and thread-safe.
 */
package org.botsec.core.files;
