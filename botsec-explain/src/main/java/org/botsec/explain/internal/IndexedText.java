package org.botsec.explain.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.botsec.explain.Instance;

/**
 * A text split as lime's {@code IndexedString} splits it: {@code re.split('(\W+)|$', text)} keeps the separator
 * runs, so the text is an alternation of word and non-word tokens and removing words keeps the separators.
 * With bag of words every distinct word (case-sensitive) is one feature and removing it removes every
 * occurrence; without it, every word occurrence is its own feature and removal writes a mask string instead.
 */
public final class IndexedText {
    private final String raw;
    private final List<String> tokens = new ArrayList<>();
    private final List<Integer> starts = new ArrayList<>();
    private final int[] featureOfToken;
    private final List<String> featureNames = new ArrayList<>();
    private final List<int[]> tokensOfFeature = new ArrayList<>();
    private final boolean bow;
    private final String maskString;

    public IndexedText(String raw, Pattern split, boolean bow, String maskString) {
        this.raw = raw;
        this.bow = bow;
        this.maskString = maskString;
        Matcher m = split.matcher(raw);
        int pos = 0;
        List<Boolean> isWord = new ArrayList<>();
        while (m.find()) {
            if (m.end() == m.start()) {
                continue; // an empty separator match splits nothing
            }
            if (m.start() > pos) {
                add(raw.substring(pos, m.start()), pos, true, isWord);
            }
            add(raw.substring(m.start(), m.end()), m.start(), false, isWord);
            pos = m.end();
        }
        if (pos < raw.length()) {
            add(raw.substring(pos), pos, true, isWord);
        }
        featureOfToken = new int[tokens.size()];
        Map<String, Integer> vocab = new HashMap<>();
        List<List<Integer>> positions = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            featureOfToken[i] = -1;
            if (!isWord.get(i)) {
                continue;
            }
            String w = tokens.get(i);
            int id;
            if (bow) {
                Integer known = vocab.get(w);
                if (known == null) {
                    id = featureNames.size();
                    vocab.put(w, id);
                    featureNames.add(w);
                    positions.add(new ArrayList<>());
                } else {
                    id = known;
                }
            } else {
                id = featureNames.size();
                featureNames.add(w);
                positions.add(new ArrayList<>());
            }
            positions.get(id).add(i);
            featureOfToken[i] = id;
        }
        for (List<Integer> p : positions) {
            tokensOfFeature.add(p.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    private void add(String token, int start, boolean word, List<Boolean> isWord) {
        tokens.add(token);
        starts.add(start);
        isWord.add(word);
    }

    /** Number of features (distinct words with bag of words, word occurrences without). */
    public int numFeatures() {
        return featureNames.size();
    }

    /** The word of feature {@code id}. */
    public String word(int id) {
        return featureNames.get(id);
    }

    /** The text with the features whose {@code kept[id]} is false removed (or masked when not bag of words). */
    public String inverseRemoving(boolean[] kept, StringBuilder scratch) {
        scratch.setLength(0);
        for (int i = 0; i < tokens.size(); i++) {
            int f = featureOfToken[i];
            if (f < 0 || kept[f]) {
                scratch.append(tokens.get(i));
            } else if (!bow) {
                scratch.append(maskString);
            }
        }
        return scratch.toString();
    }

    /** Start offsets of each occurrence of feature {@code id}. */
    public int[] positions(int id) {
        int[] t = tokensOfFeature.get(id);
        int[] out = new int[t.length];
        for (int i = 0; i < t.length; i++) {
            out[i] = starts.get(t[i]);
        }
        return out;
    }

    /** The text and its tokens, for rendering. */
    public Instance.Text toInstance() {
        List<Instance.Token> out = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            int s = starts.get(i);
            out.add(new Instance.Token(s, s + tokens.get(i).length(), featureOfToken[i]));
        }
        return new Instance.Text(raw, out);
    }
}
