/**
 * Encryption at rest for conversations, built only on Google Tink. A {@link org.botsec.guard.crypto.MasterKey}
 * (from an environment variable or a file) encrypts the data keysets; a
 * {@link org.botsec.guard.crypto.ConversationStore} appends each message as an AES-256-GCM ciphertext whose
 * associated data binds it to its user and conversation. Data keys can be rotated without re-encrypting old
 * records, and a wrong master key fails with one clear error instead of producing garbage.
 */
package org.botsec.guard.crypto;
