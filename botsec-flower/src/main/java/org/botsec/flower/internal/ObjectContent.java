package org.botsec.flower.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.botsec.core.BadInputException;

/**
 * One object of Flower's content-addressed object store: {@code "<Class> <child-id>,<child-id>,... <body-length>"},
 * a NUL byte, then the body. Its ID is the lower-case hex SHA-256 of the whole content, so a receiver can check every
 * object it pulls against the ID it asked for.
 *
 * @param type     the object's class name (Message, RecordDict, ArrayRecord, Array, ArrayChunk, ConfigRecord,
 *                 MetricRecord)
 * @param children the child object IDs, in the order the head lists them
 * @param body     the body bytes (copied)
 */
public record ObjectContent(String type, List<String> children, byte[] body) {
    /** The object types a client node accepts (the ones Flower's record types deflate to). */
    public static final List<String> TYPES = List.of("Message", "RecordDict", "ArrayRecord", "Array", "ArrayChunk",
            "ConfigRecord", "MetricRecord");

    public ObjectContent {
        children = List.copyOf(children);
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The serialised object: head, NUL, body. */
    public byte[] encode() {
        String head = type + " " + String.join(",", children) + " " + body.length;
        byte[] h = head.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[h.length + 1 + body.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(body, 0, out, h.length + 1, body.length);
        return out;
    }

    /** The object's ID: hex SHA-256 of {@link #encode()}. */
    public String id() {
        return sha256Hex(encode());
    }

    /** Lower-case hex SHA-256 of {@code bytes}. */
    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** True for a 64-character lower-case hex string. */
    public static boolean isObjectId(String s) {
        if (s == null || s.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses and checks pulled content: its SHA-256 must be {@code expectedId}, the head must have three fields, a
     * known type, valid child IDs and the body length it states, and the body must not exceed {@code maxBody}.
     *
     * @throws BadInputException naming the object ID and what is wrong
     */
    public static ObjectContent parse(String expectedId, byte[] content, int maxBody) {
        String actual = sha256Hex(content);
        if (!actual.equals(expectedId)) {
            throw BadInputException.of("object %s: content hashes to %s, not to its ID", expectedId, actual);
        }
        int nul = -1;
        for (int i = 0; i < content.length && i < 64 * 1024; i++) {
            if (content[i] == 0) {
                nul = i;
                break;
            }
        }
        if (nul < 0) {
            throw BadInputException.of("object %s: no head/body divider in the first 64 KiB", expectedId);
        }
        String head = new String(content, 0, nul, StandardCharsets.UTF_8);
        String[] parts = head.split(" ", -1);
        if (parts.length != 3) {
            throw BadInputException.of("object %s: head must have 3 space-separated fields, got %d", expectedId,
                    parts.length);
        }
        if (!TYPES.contains(parts[0])) {
            throw BadInputException.of("object %s: unsupported object type '%s'", expectedId, parts[0]);
        }
        List<String> children = new ArrayList<>();
        if (!parts[1].isEmpty()) {
            for (String c : parts[1].split(",", -1)) {
                if (!isObjectId(c)) {
                    throw BadInputException.of("object %s: child ID is not a SHA-256 hex string", expectedId);
                }
                children.add(c);
            }
        }
        long stated;
        try {
            stated = Long.parseLong(parts[2]);
        } catch (NumberFormatException e) {
            throw BadInputException.of("object %s: body length '%s' is not a number", expectedId, parts[2]);
        }
        int bodyLength = content.length - nul - 1;
        if (stated != bodyLength) {
            throw BadInputException.of("object %s: head states a %d-byte body, got %d bytes", expectedId, stated,
                    bodyLength);
        }
        if (bodyLength > maxBody) {
            throw BadInputException.of("object %s (%s): body of %d bytes exceeds the limit of %d bytes", expectedId,
                    parts[0], bodyLength, maxBody);
        }
        byte[] body = new byte[bodyLength];
        System.arraycopy(content, nul + 1, body, 0, bodyLength);
        return new ObjectContent(parts[0], children, body);
    }
}
