package org.botsec.guard.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The tagger's per-thread score cache changes no result. Reference: {@link LegacyNerTagger}, the frozen tagger of
 * commit 464baf0 (24 hashed rows per token, no cache), with the same shipped weights; every span's offsets, type
 * and score must be equal. The corpus is {@link PiiFastPathEquivalenceTest#corpus()} (our texts, the benchmark
 * messages, the injection corpus, generated forms, random texts) plus texts that exercise the cache: the same
 * words at a line start and inside a line, tokens longer than a cache key, and the corpus again in another order so
 * that most tokens come from the cache. The default cache, a 2-slot cache (evictions at nearly every token) and
 * four threads sharing one tagger are all compared.
 */
class NerScoreCacheTest {
    private static List<String> corpus() {
        List<String> out = new ArrayList<>(PiiFastPathEquivalenceTest.corpus());
        out.add("Marco Rossi met marco rossi.\nRossi Marco: Rossi\nmarco Marco MARCO rossi");
        out.add("Lyon Lyon Lyon\nLyon\n Lyon Grenoble Lyon\tLyon");
        out.add("Supercalifragilisticexpialidocious Anderssonhagenbergstrom met Ingrid Johansson-Vandermeerschenbergh today");
        out.add("abcdefghijklmnopqrstuvwx abcdefghijklmnopqrstuvwxy Abcdefghijklmnopqrstuvwx Sutri");
        List<String> shuffled = new ArrayList<>(out);
        Collections.shuffle(shuffled, new java.util.Random(13));
        out.addAll(shuffled);
        return out;
    }

    private static int compare(NerTagger tagger, List<String> texts) {
        int spans = 0;
        for (String text : texts) {
            List<LegacyNerTagger.Span> before = LegacyNerTagger.shipped().find(text);
            List<NerTagger.Span> after = tagger.find(text);
            List<List<Object>> b = before.stream().map(s -> List.<Object>of(s.start(), s.end(), s.type(), s.score())).toList();
            List<List<Object>> a = after.stream().map(s -> List.<Object>of(s.start(), s.end(), s.type(), s.score())).toList();
            assertEquals(b, a, text);
            spans += after.size();
        }
        return spans;
    }

    @Test
    void cachedTaggerEqualsThePreCacheTagger() {
        int spans = compare(NerTagger.shipped(), corpus());
        assertTrue(spans > 2_000, "the corpus must hold many entities, got " + spans);
    }

    @Test
    void tinyCacheEvictingAtEveryTokenGivesTheSameSpans() {
        compare(NerTagger.shipped().withCacheSlots(2), corpus());
        compare(NerTagger.shipped().withCacheSlots(1), corpus().subList(0, 200));
    }

    @Test
    void threadsSharingATaggerGetTheSameSpans() throws Exception {
        NerTagger tagger = NerTagger.shipped().withCacheSlots(64);
        List<String> texts = corpus();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                List<String> mine = new ArrayList<>(texts);
                Collections.shuffle(mine, new java.util.Random(t));
                done.add(pool.submit(() -> compare(tagger, mine.subList(0, 600))));
            }
            for (Future<Integer> f : done) {
                assertTrue(f.get() > 0);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void cacheKeysAreComparedInFull() {
        NerTagger.ScoreCache cache = new NerTagger.ScoreCache(1);
        int[] token = new int[NerTagger.ScoreCache.STRIDE];
        int missing = cache.find("Rossi", 0, 5);
        assertTrue(missing < 0);
        cache.put(-missing - 1, "Rossi", 0, 5, token, 0, token, 0, token, 0);
        assertEquals(0, cache.find("x Rossi", 2, 7));
        assertTrue(cache.find("Rosso", 0, 5) < 0, "same length, same slot, other text");
        assertTrue(cache.find("Ross", 0, 4) < 0, "a prefix");
        String longToken = "a".repeat(NerTagger.ScoreCache.MAX_KEY + 1);
        assertEquals(-2, cache.find(longToken, 0, longToken.length()), "too long: a slot that does not exist");
    }
}
