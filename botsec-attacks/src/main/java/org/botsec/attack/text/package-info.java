/**
 * Word-level evasion attacks on text classifiers ({@link org.botsec.core.model.TextClassifier}): greedy word
 * edits ranked by their importance to the prediction, with the words changed reported per text.
 */
package org.botsec.attack.text;
