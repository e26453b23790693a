package org.botsec.guard.crypto;

import java.time.Instant;

/**
 * One decrypted message of a {@link ConversationStore}.
 *
 * @param index          position of the record in the store (0-based, over all users)
 * @param userId         the user it belongs to
 * @param conversationId the conversation it belongs to
 * @param timestamp      when it was appended
 * @param message        the plaintext message
 */
public record StoredMessage(long index, String userId, String conversationId, Instant timestamp, String message) {
    @Override
    public String toString() {
        // Never print the message itself: toString ends up in logs.
        return "StoredMessage[index=" + index + ", conversationId=" + conversationId + ", timestamp=" + timestamp
                + ", length=" + message.length() + "]";
    }
}
