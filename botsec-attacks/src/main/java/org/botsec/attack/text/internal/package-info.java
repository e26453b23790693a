/** Helpers of the text attacks: word spans and candidate edits. */
package org.botsec.attack.text.internal;
