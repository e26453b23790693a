package org.botsec.guard.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.botsec.core.BadInputException;

/**
 * Named-entity tagger for PERSON, LOCATION and ORGANIZATION: an averaged perceptron (Collins, "Discriminative
 * Training Methods for Hidden Markov Models", EMNLP 2002) over hashed local features ({@link NerFeatures}),
 * decoded greedily left to right with the BIO constraint (an I- tag only continues its own type), as in
 * Ratinov and Roth (CoNLL 2009). The shipped weights are trained by {@code NerTrainMain} (test sources) on
 * the Universal NER corpora listed in {@code ner-model.manifest.json} beside the model.
 *
 * <p>Text is tagged <b>one line at a time</b>, and a token directly followed by ':' ends any entity and is
 * never part of a longer one, so a span can neither run across a line break nor swallow a field label such
 * as "Phone:". Only the first word of a line may be an entity before ':' (a speaker, "Nicole: …"), and
 * not when it is a known field label ({@link #FIELD_LABELS}). The score of a span is the logistic of its tokens' mean margin between the chosen and the
 * runner-up tag: it orders spans but is not a calibrated probability.
 *
 * <p>Speed: of the 24 hashed features of a token, 15 depend on one token's text alone and 2 more on its text and
 * the previous tag; their weight-row sums (the latter after an O) are kept in a per-thread, per-tagger cache keyed
 * by the token's characters ({@link ScoreCache}, about 1 MB per thread), so a frequent word after an O costs one
 * lookup and 5 random reads of the 3.5 MB weight table instead of 24. The result is
 * exactly that of the uncached decoding (integer sums; {@code NerScoreCacheTest}).
 *
 * <p><b>Security guarantees.</b> Immutable and thread-safe after loading (the cache is thread-confined); linear in the text length (a
 * fixed number of hashed features per token); the model reader bounds every size it reads.
 */
public final class NerTagger {
    private static final int MAGIC = 0x424e4552; // "BNER"
    private static final int VERSION = 1;
    private static final int MAX_BUCKETS = 1 << 22;
    /** Longest token considered: longer runs (hashes, base64) are never names and would only cost time. */
    private static final int MAX_TOKEN = 40;

    private static final int ROW = 8;
    private final int buckets;
    private final int classes;
    private final float scale;
    private final short[] weights;
    /**
     * The same weights with each bucket's 7 class weights padded to 8 (16 bytes), so that a bucket's row never
     * straddles two cache lines: the tagger reads 24 random rows per token and is bound by memory, not arithmetic.
     */
    private final short[] rows;

    /** An entity found by the tagger: UTF-16 offsets {@code [start, end)}, type PER/LOC/ORG and its score. */
    public record Span(int start, int end, String type, double score) {
    }

    /** Slots of each thread's score cache ({@link ScoreCache}); a power of two. */
    static final int CACHE_SLOTS = 4096;
    private final int cacheSlots;
    /** Row sums of the tag features: slot 14 per previous tag, slot 15 per pair of previous tags. */
    private final int[] tagRows;
    private final int[] tagPairRows;
    /** Role rows ({@link NerFeatures#roleFeatures}) of the line-start and line-end markers. */
    private final int[] startRoles;
    private final int[] endRoles;
    /** Per thread: the token's score cache and the buffers of {@link #findInLine}; per tagger, as the sums hold its weights. */
    private final ThreadLocal<Scratch> scratch;

    NerTagger(int buckets, float scale, short[] weights) {
        this(buckets, scale, weights, CACHE_SLOTS);
    }

    /** As {@link #NerTagger(int, float, short[])} with {@code cacheSlots} slots per thread (tests use tiny caches to force evictions). */
    NerTagger(int buckets, float scale, short[] weights, int cacheSlots) {
        if (Integer.bitCount(cacheSlots) != 1) {
            throw new IllegalArgumentException("cache slots must be a power of two: " + cacheSlots);
        }
        this.cacheSlots = cacheSlots;
        this.buckets = buckets;
        this.classes = NerFeatures.TAGS.size();
        this.scale = scale;
        this.weights = weights.clone();
        if (Integer.bitCount(buckets) != 1 || weights.length != buckets * classes || classes > ROW) {
            throw new IllegalArgumentException("bad model shape: " + buckets + " buckets, " + weights.length + " weights");
        }
        this.rows = new short[buckets * ROW];
        for (int b = 0; b < buckets; b++) {
            System.arraycopy(weights, b * classes, rows, b * ROW, classes);
        }
        int t = classes;
        this.tagRows = new int[t * ROW];
        this.tagPairRows = new int[t * t * ROW];
        for (int p1 = 0; p1 < t; p1++) {
            addRow(NerFeatures.tagFeature(p1, buckets), tagRows, p1 * ROW);
            for (int p2 = 0; p2 < t; p2++) {
                addRow(NerFeatures.tagPairFeature(p1, p2, buckets), tagPairRows, (p1 * t + p2) * ROW);
            }
        }
        NerFeatures.Line empty = new NerFeatures.Line();
        int[] f = new int[NerFeatures.ROLE_SLOTS];
        this.startRoles = new int[NerFeatures.ROLE_SLOTS * ROW];
        NerFeatures.roleFeatures(empty, -1, buckets, f);
        for (int r = 0; r < f.length; r++) {
            addRow(f[r], startRoles, r * ROW);
        }
        this.endRoles = new int[NerFeatures.ROLE_SLOTS * ROW];
        NerFeatures.roleFeatures(empty, 0, buckets, f);
        for (int r = 0; r < f.length; r++) {
            addRow(f[r], endRoles, r * ROW);
        }
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(this.cacheSlots));
    }

    /** Adds bucket {@code feature}'s weight row to {@code into[at, at + classes)}. */
    private void addRow(int feature, int[] into, int at) {
        int base = feature * ROW;
        for (int c = 0; c < classes; c++) {
            into[at + c] += rows[base + c];
        }
    }

    /** Quantises trained float weights to 16 bits (max |w| maps to 32767). */
    public static NerTagger quantise(int buckets, float[] w) {
        float max = 0;
        for (float v : w) {
            max = Math.max(max, Math.abs(v));
        }
        float scale = max == 0 ? 1 : max / 32767f;
        short[] q = new short[w.length];
        for (int i = 0; i < w.length; i++) {
            q[i] = (short) Math.round(w[i] / scale);
        }
        return new NerTagger(buckets, scale, q);
    }

    private static final class Shipped {
        static final NerTagger MODEL = load();

        private static NerTagger load() {
            try (InputStream in = NerTagger.class.getResourceAsStream("/org/botsec/guard/ner-model.bin.gz")) {
                if (in == null) {
                    throw new IllegalStateException("the NER model resource org/botsec/guard/ner-model.bin.gz is missing from the class path");
                }
                return read(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the shipped NER model", e);
            }
        }
    }

    /** The model shipped in the jar (loaded once, on first use). */
    public static NerTagger shipped() {
        return Shipped.MODEL;
    }

    public static NerTagger read(InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(new GZIPInputStream(raw));
        if (in.readInt() != MAGIC) {
            throw new BadInputException("not a BotSec NER model (bad magic number)");
        }
        int version = in.readInt();
        if (version != VERSION) {
            throw BadInputException.of("NER model version %s is not supported (expected %s)", version, VERSION);
        }
        int buckets = in.readInt();
        int classes = in.readInt();
        if (buckets <= 0 || buckets > MAX_BUCKETS || Integer.bitCount(buckets) != 1 || classes != NerFeatures.TAGS.size()) {
            throw BadInputException.of("NER model has %s buckets and %s classes; expected a power of two ≤ %s and %s",
                    buckets, classes, MAX_BUCKETS, NerFeatures.TAGS.size());
        }
        float scale = in.readFloat();
        short[] w = new short[buckets * classes];
        for (int i = 0; i < w.length; i++) {
            w[i] = in.readShort();
        }
        return new NerTagger(buckets, scale, w);
    }

    public void write(OutputStream raw) throws IOException {
        GZIPOutputStream gz = new GZIPOutputStream(raw);
        DataOutputStream out = new DataOutputStream(gz);
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(buckets);
        out.writeInt(classes);
        out.writeFloat(scale);
        for (short s : weights) {
            out.writeShort(s);
        }
        out.flush();
        gz.finish();
    }

    /** The same weights with {@code slots} score-cache slots per thread (a power of two). */
    NerTagger withCacheSlots(int slots) {
        return new NerTagger(buckets, scale, weights, slots);
    }

    public int buckets() {
        return buckets;
    }

    /** Tags one pre-tokenised sentence: class ids per token. */
    public int[] tag(String[] words) {
        int n = words.length;
        String[] lower = new String[n];
        String[] shapes = new String[n];
        for (int i = 0; i < n; i++) {
            lower[i] = NerFeatures.lower(words[i]);
            shapes[i] = NerFeatures.shape(words[i]);
        }
        int[] tags = new int[n];
        decode(words, lower, shapes, tags, null);
        return tags;
    }

    private void decode(String[] words, String[] lower, String[] shapes, int[] tags, double[] margins) {
        int[] feats = new int[NerFeatures.SLOTS];
        float[] scores = new float[classes];
        int p1 = 0;
        int p2 = 0;
        for (int i = 0; i < words.length; i++) {
            NerFeatures.extract(words, lower, shapes, i, p1, p2, buckets, feats);
            int best = best(feats, scores, p1, margins, i);
            tags[i] = best;
            p2 = p1;
            p1 = best;
        }
    }

    /**
     * The same greedy decoding over a line's flat buffers, with each token's score assembled from cached parts
     * instead of 24 hashed rows. Of the 24 features ({@link NerFeatures#extract(NerFeatures.Line, int, int, int, int, int[])}),
     * 11 depend on the token alone, 4 on a neighbour word alone (the token as someone's previous / next / second
     * previous / second next word), 2 on the previous tags alone, 2 on the token with the previous tag and 5 on the
     * token with a neighbour. The first two groups' row sums, and the tag-word rows after an O, are kept per distinct
     * token text in a per-thread cache ({@link ScoreCache}); the tag rows are tables built at load; the 5 pair rows
     * (and the 2 tag-word rows after a tag other than O) are hashed and read per position. Weights are
     * 16-bit integers and every sum is an exact integer, so the scores, tags and margins are exactly those of the
     * uncached decoding whatever the order of the additions.
     */
    private void decode(String text, NerFeatures.Line line, Scratch x, int[] tags, double[] margins) {
        int n = line.size;
        int[] tok = x.tokenSums(n);
        int[] roles = x.roleSums(n);
        int[] afterO = x.afterOSums(n);
        ScoreCache cache = x.cache;
        int[] feats = x.feats;
        for (int j = 0; j < n; j++) {
            int slot = cache.find(text, line.start[j], line.end[j]);
            if (slot < 0) {
                tokenSum(line, j, false, tok, j * ROW, x.tokenFeats);
                roleSums(line, j, roles, j * ROLE_STRIDE, feats);
                tagWordSum(line, j, 0, afterO, j * ROW, feats);
                if (-slot - 1 < cacheSlots) {
                    cache.put(-slot - 1, text, line.start[j], line.end[j], tok, j * ROW, roles, j * ROLE_STRIDE, afterO, j * ROW);
                }
            } else {
                int at = slot * ScoreCache.STRIDE;
                System.arraycopy(cache.sums, at, tok, j * ROW, ROW);
                System.arraycopy(cache.sums, at + ROW, roles, j * ROLE_STRIDE, ROLE_STRIDE);
                System.arraycopy(cache.sums, at + ROW + ROLE_STRIDE, afterO, j * ROW, ROW);
            }
        }
        if (n > 0) { // the line's first token has its own position features (slots 19 and 23)
            tokenSum(line, 0, true, tok, 0, x.tokenFeats);
        }
        int[] scores = x.intScores;
        int p1 = 0;
        int p2 = 0;
        for (int i = 0; i < n; i++) {
            int tb = i * ROW;
            int pb = p1 * ROW;
            int qb = (p1 * classes + p2) * ROW;
            int[] r1 = i >= 1 ? roles : startRoles;
            int b1 = i >= 1 ? (i - 1) * ROLE_STRIDE : 0;
            int[] r2 = i + 1 < n ? roles : endRoles;
            int b2 = i + 1 < n ? (i + 1) * ROLE_STRIDE : 0;
            int[] r3 = i >= 2 ? roles : startRoles;
            int b3 = i >= 2 ? (i - 2) * ROLE_STRIDE : 0;
            int[] r4 = i + 2 < n ? roles : endRoles;
            int b4 = i + 2 < n ? (i + 2) * ROLE_STRIDE : 0;
            for (int c = 0; c < classes; c++) {
                scores[c] = tok[tb + c] + tagRows[pb + c] + tagPairRows[qb + c] + r1[b1 + c] + r2[b2 + ROW + c]
                        + r3[b3 + 2 * ROW + c] + r4[b4 + 3 * ROW + c];
            }
            NerFeatures.pairFeatures(line, i, buckets, feats);
            int used = NerFeatures.PAIR_SLOTS;
            if (p1 == 0) { // after an O, by far the most common case, the tag-word rows are cached too
                for (int c = 0; c < classes; c++) {
                    scores[c] += afterO[tb + c];
                }
            } else {
                NerFeatures.tagWordFeatures(line, i, p1, buckets, x.tagWordFeats);
                feats[used++] = x.tagWordFeats[0];
                feats[used++] = x.tagWordFeats[1];
            }
            for (int k = 0; k < used; k++) {
                int base = feats[k] * ROW;
                for (int c = 0; c < classes; c++) {
                    scores[c] += rows[base + c];
                }
            }
            int best = -1;
            int bestScore = Integer.MIN_VALUE; // below any sum of 24 16-bit weights
            int second = Integer.MIN_VALUE;
            for (int c = 0; c < classes; c++) {
                if (!allowed(p1, c)) {
                    continue;
                }
                if (scores[c] > bestScore) {
                    second = bestScore;
                    bestScore = scores[c];
                    best = c;
                } else if (scores[c] > second) {
                    second = scores[c];
                }
            }
            margins[i] = (float) (bestScore - second) * scale;
            tags[i] = best;
            p2 = p1;
            p1 = best;
        }
    }

    private static final int ROLE_STRIDE = NerFeatures.ROLE_SLOTS * ROW;

    /** The row sum of token {@code j}'s 11 token features into {@code into[at, at + ROW)}. */
    private void tokenSum(NerFeatures.Line line, int j, boolean first, int[] into, int at, int[] f) {
        NerFeatures.tokenFeatures(line, j, first, buckets, f);
        java.util.Arrays.fill(into, at, at + ROW, 0);
        for (int k : f) {
            addRow(k, into, at);
        }
    }

    /** The row sum of token {@code j}'s 2 tag-word features after tag {@code prev1} into {@code into[at, at + ROW)}. */
    private void tagWordSum(NerFeatures.Line line, int j, int prev1, int[] into, int at, int[] feats) {
        NerFeatures.tagWordFeatures(line, j, prev1, buckets, feats);
        java.util.Arrays.fill(into, at, at + ROW, 0);
        addRow(feats[0], into, at);
        addRow(feats[1], into, at);
    }

    /** The four role rows of token {@code j} into {@code into[at, at + ROLE_STRIDE)}. */
    private void roleSums(NerFeatures.Line line, int j, int[] into, int at, int[] feats) {
        NerFeatures.roleFeatures(line, j, buckets, feats);
        java.util.Arrays.fill(into, at, at + ROLE_STRIDE, 0);
        for (int r = 0; r < NerFeatures.ROLE_SLOTS; r++) {
            addRow(feats[r], into, at + r * ROW);
        }
    }

    /** The best tag allowed after {@code p1}; its margin over the runner-up into {@code margins[i]} if given. */
    private int best(int[] feats, float[] scores, int p1, double[] margins, int i) {
        java.util.Arrays.fill(scores, 0f);
        for (int f : feats) {
            int base = f * ROW;
            for (int c = 0; c < classes; c++) {
                scores[c] += rows[base + c];
            }
        }
        int best = -1;
        float bestScore = Float.NEGATIVE_INFINITY;
        float second = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            if (!allowed(p1, c)) {
                continue;
            }
            if (scores[c] > bestScore) {
                second = bestScore;
                bestScore = scores[c];
                best = c;
            } else if (scores[c] > second) {
                second = scores[c];
            }
        }
        if (margins != null) {
            margins[i] = (bestScore - second) * scale;
        }
        return best;
    }

    /** BIO constraint: an I- tag (even ids 2, 4, 6) only after the B- or I- tag of its own type. */
    static boolean allowed(int prev, int tag) {
        if (tag == 0 || tag % 2 == 1) {
            return true;
        }
        return prev == tag || prev == tag - 1;
    }

    /** Entities in {@code text}: tagged line by line; a token right before ':' is a field label, never an entity. */
    public List<Span> find(String text) {
        List<Span> out = new ArrayList<>();
        int lineStart = 0;
        int n = text.length();
        while (lineStart <= n) {
            int lineEnd = text.indexOf('\n', lineStart);
            if (lineEnd < 0) {
                lineEnd = n;
            }
            findInLine(text, lineStart, lineEnd, out);
            lineStart = lineEnd + 1;
        }
        return out;
    }

    /** Per-thread buffers of {@link #findInLine}: nothing is allocated per token after warm-up. */
    private static final class Scratch {
        final NerFeatures.Line line = new NerFeatures.Line();
        final int[] feats = new int[NerFeatures.SLOTS];
        final int[] tokenFeats = new int[NerFeatures.TOKEN_SLOTS];
        final int[] tagWordFeats = new int[NerFeatures.TAG_WORD_SLOTS];
        final int[] intScores = new int[ROW];
        final ScoreCache cache;
        int[] tags = new int[64];
        double[] margins = new double[64];
        private int[] tokenSums = new int[64 * ROW];
        private int[] roleSums = new int[64 * ROLE_STRIDE];

        Scratch(int cacheSlots) {
            this.cache = new ScoreCache(cacheSlots);
        }

        int[] tokenSums(int n) {
            if (tokenSums.length < n * ROW) {
                tokenSums = new int[Math.max(n, 2 * tokenSums.length / ROW) * ROW];
            }
            return tokenSums;
        }

        private int[] afterOSums = new int[64 * ROW];

        int[] afterOSums(int n) {
            if (afterOSums.length < n * ROW) {
                afterOSums = new int[Math.max(n, 2 * afterOSums.length / ROW) * ROW];
            }
            return afterOSums;
        }

        int[] roleSums(int n) {
            if (roleSums.length < n * ROLE_STRIDE) {
                roleSums = new int[Math.max(n, 2 * roleSums.length / ROLE_STRIDE) * ROLE_STRIDE];
            }
            return roleSums;
        }
    }

    /**
     * A direct-mapped cache from a token's text (at most {@link #MAX_KEY} UTF-16 units) to the row sum of its token
     * features (as an inner token), its four role rows and the sum of its two tag-word rows after an O: what
     * {@link NerFeatures} computes from the token alone.
     * Keyed by the exact characters, compared in full, so a hit returns what a miss would compute. One per thread
     * and tagger, never shared; a colliding token overwrites the slot. About 1 MB with 4,096 slots.
     */
    static final class ScoreCache {
        static final int MAX_KEY = 24;
        static final int STRIDE = ROW + ROLE_STRIDE + ROW;
        private final int mask;
        private final char[] keys;
        private final int[] keyLength;
        final int[] sums;

        ScoreCache(int slots) {
            this.mask = slots - 1;
            this.keys = new char[slots * MAX_KEY];
            this.keyLength = new int[slots];
            this.sums = new int[slots * STRIDE];
        }

        /**
         * The slot holding {@code text[from, to)}, or {@code -(slot + 1)} where it would go when absent; a token too
         * long to cache gives {@code -(slots + 1)}, a slot that does not exist.
         */
        int find(String text, int from, int to) {
            int len = to - from;
            if (len > MAX_KEY) {
                return -(mask + 2);
            }
            int h = 0x811c9dc5;
            for (int k = from; k < to; k++) {
                h = (h ^ text.charAt(k)) * 0x01000193;
            }
            int slot = (h ^ h >>> 15) & mask;
            if (keyLength[slot] != len + 1) { // 0 = empty
                return -(slot + 1);
            }
            int base = slot * MAX_KEY;
            for (int k = 0; k < len; k++) {
                if (keys[base + k] != text.charAt(from + k)) {
                    return -(slot + 1);
                }
            }
            return slot;
        }

        void put(int slot, String text, int from, int to, int[] token, int tokenAt, int[] roles, int rolesAt, int[] afterO, int afterOAt) {
            text.getChars(from, to, keys, slot * MAX_KEY);
            keyLength[slot] = to - from + 1;
            System.arraycopy(token, tokenAt, sums, slot * STRIDE, ROW);
            System.arraycopy(roles, rolesAt, sums, slot * STRIDE + ROW, ROLE_STRIDE);
            System.arraycopy(afterO, afterOAt, sums, slot * STRIDE + ROW + ROLE_STRIDE, ROW);
        }
    }

    private void findInLine(String text, int from, int to, List<Span> out) {
        Scratch x = scratch.get();
        NerFeatures.Line line = x.line;
        line.clear();
        tokens(text, from, to, line);
        int n = line.size;
        if (n == 0) {
            return;
        }
        if (x.tags.length < n) {
            x.tags = new int[Math.max(n, x.tags.length * 2)];
            x.margins = new double[x.tags.length];
        }
        int[] tags = x.tags;
        double[] margins = x.margins;
        decode(text, line, x, tags, margins);
        int[] ts = line.start;
        int[] te = line.end;
        int i = 0;
        while (i < n) {
            if (tags[i] == 0 || isLabel(text, te[i], to) && (i > 0 || FIELD_LABELS.contains(line.lower(i)))) {
                i++;
                continue;
            }
            int type = (tags[i] + 1) / 2; // 1 PER, 2 LOC, 3 ORG
            int j = i + 1;
            boolean speaker = isLabel(text, te[i], to); // "Nicole: ..." at a line start names the speaker
            while (!speaker && j < n && tags[j] == type * 2 && !isLabel(text, te[j], to) && te[j] - ts[j] <= MAX_TOKEN) {
                j++;
            }
            // a label inside the run ends the entity before it ("Kamila Červinková Phone:" keeps the name only)
            double margin = 0;
            for (int k = i; k < j; k++) {
                margin += margins[k];
            }
            margin /= (j - i);
            int start = ts[i];
            int end = te[j - 1];
            if (Character.isLetter(text.charAt(start)) && te[i] - ts[i] <= MAX_TOKEN) {
                out.add(new Span(start, end, type == 1 ? "PER" : type == 2 ? "LOC" : "ORG", 1 / (1 + Math.exp(-margin))));
            }
            i = j;
        }
    }

    /**
     * Words that, before a ':', are a form's field label, never a name — even as the first word of a line,
     * where any other word before ':' is read as a speaker ("Nicole: remember me?").
     */
    static final java.util.Set<String> FIELD_LABELS = java.util.Set.of("name", "phone", "tel", "telephone", "mobile", "cell", "fax",
            "address", "email", "e-mail", "mail", "website", "web", "url", "date", "when", "where", "time", "notes", "note",
            "subject", "from", "to", "cc", "company", "organisation", "organization", "city", "country", "state", "title",
            "zip", "postcode", "card", "iban", "account", "user", "bot", "assistant", "customer", "agent", "dob", "ssn", "id",
            "nom", "adresse", "telefon", "téléphone", "nome", "indirizzo", "nombre", "dirección", "teléfono", "straße", "ort");

    /** Whether the token is followed (after optional spaces) by ':' — a field label like "Phone:". */
    private static boolean isLabel(String text, int tokenEnd, int lineEnd) {
        int k = tokenEnd;
        while (k < lineEnd && (text.charAt(k) == ' ' || text.charAt(k) == '\t')) {
            k++;
        }
        return k < lineEnd && text.charAt(k) == ':' && (k + 1 >= lineEnd || text.charAt(k + 1) != '/');
    }

    /**
     * Tokens {@code [start, end)} of one line: runs of letters, marks and digits (with inner apostrophes,
     * hyphens and dots between letters, as in "O'Neil", "Saint-Denis", "U.S."), every other non-space
     * character on its own.
     */
    static List<int[]> tokens(String text, int from, int to) {
        NerFeatures.Line line = new NerFeatures.Line();
        tokens(text, from, to, line);
        List<int[]> out = new ArrayList<>(line.size);
        for (int i = 0; i < line.size; i++) {
            out.add(new int[] {line.start[i], line.end[i]});
        }
        return out;
    }

    /** The tokens of {@link #tokens(String, int, int)}, appended to {@code line}. */
    static void tokens(String text, int from, int to, NerFeatures.Line line) {
        int i = from;
        while (i < to) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int start = i;
            if (Character.isLetterOrDigit(c)) {
                i++;
                while (i < to) {
                    char d = text.charAt(i);
                    if (Character.isLetterOrDigit(d) || Character.getType(d) == Character.NON_SPACING_MARK) {
                        i++;
                    } else if ((d == '\'' || d == '’' || d == '-' || d == '.') && i + 1 < to && Character.isLetter(text.charAt(i + 1))
                            && Character.isLetter(text.charAt(i - 1))) {
                        i++;
                    } else {
                        break;
                    }
                }
            } else {
                i++;
            }
            line.add(text, start, i);
        }
    }
}
