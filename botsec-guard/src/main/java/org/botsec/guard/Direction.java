package org.botsec.guard;

/** Which way a message travels: from a user to the bot (input) or from the bot to a user (output). */
public enum Direction {
    INPUT, OUTPUT
}
