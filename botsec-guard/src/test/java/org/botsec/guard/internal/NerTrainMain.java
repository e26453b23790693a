package org.botsec.guard.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The recipe that rebuilds the guard's NER model ({@code org/botsec/guard/ner-model.bin.gz}) and prints its
 * precision and recall per entity type on the corpora's public test splits.
 *
 * <p>Data, fetched from GitHub into a folder outside the repository (see the model's manifest for sources,
 * commits and licences): Universal NER v1 (Mayhew et al., NAACL 2024; CC BY-SA 4.0), one sub-folder per
 * treebank holding its {@code *-train.iob2}, {@code *-dev.iob2}, {@code *-test.iob2}; and two English CC BY 4.0
 * corpora in CoNLL form: the Broad Twitter Corpus (Derczynski et al., COLING 2016; sections A, B, E, F, G
 * concatenated as {@code btc_abefg-train.iob2}, section H as {@code btc_h-test.iob2}) and wikigold (Balasuriya
 * et al., 2009; {@code wikigold-train.iob2}). Training uses every {@code *-train.iob2} and, for English (whose
 * EWT train file is too large for the snapshot we could fetch), {@code en_ewt-ud-dev.iob2}; every
 * {@code *-test.iob2} is held out and only scored. IOB1 tags are converted to IOB2; MISC counts as O. OTH entities count as O. Each training sentence is also added lower-cased with
 * probability 0.25 and upper-cased with probability 0.05, so that case is a hint and not a requirement.
 * Training: averaged perceptron, greedy decoding with predicted history, {@code EPOCHS} passes in an order
 * shuffled by {@code SplittableRandom(seed)}; weights quantised to 16 bits.
 *
 * <p>With a names file and a rate, a copy of each training sentence holding a PERSON is added with that probability,
 * its names replaced from the lists ({@link NameLists}); the copies are re-cased like the originals. Every
 * {@code *-dev.iob2} not trained on is scored as the validation set on which such choices are made.
 *
 * <p>Usage: {@code NerTrainMain DATA_DIR OUT_MODEL [epochs] [seed] [log2 buckets] [NAMES.tsv|- RATE [LOWER_RATE]]}
 */
public final class NerTrainMain {
    private NerTrainMain() {
    }

    record Sentence(String[] words, int[] tags) {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Path outModel = Path.of(args[1]);
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 6;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 20261203L;
        int buckets = 1 << (args.length > 4 ? Integer.parseInt(args[4]) : 18);
        Path namesFile = args.length > 5 && !args[5].equals("-") ? Path.of(args[5]) : null;
        double replaceRate = args.length > 6 ? Double.parseDouble(args[6]) : 0;
        double lowerRate = args.length > 7 ? Double.parseDouble(args[7]) : 0.25;
        List<Path> trainFiles = new ArrayList<>();
        Map<String, Path> testFiles = new LinkedHashMap<>();
        Map<String, Path> devFiles = new LinkedHashMap<>();
        try (var walk = Files.walk(dir, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
            for (Path p : walk.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith("-train.iob2") && Files.size(p) > 0 || name.equals("en_ewt-ud-dev.iob2")) {
                    trainFiles.add(p);
                } else if (name.endsWith("-test.iob2")) {
                    testFiles.put(name.replace("-ud-test.iob2", ""), p);
                } else if (name.endsWith("-dev.iob2")) {
                    devFiles.put(name.replace("-ud-dev.iob2", ""), p);
                }
            }
        }
        NameLists names = namesFile == null ? null : NameLists.read(namesFile);
        if (names != null) {
            // names that are also common words of the corpora ("will", "may", "summer") would teach the word features
            // that those words are names: drop the ones seen at least 3 times as a lower-case non-entity token
            Map<String, Integer> plainWords = new java.util.HashMap<>();
            for (Path p : trainFiles) {
                for (Sentence s : read(p)) {
                    for (int k = 0; k < s.words().length; k++) {
                        String w = s.words()[k];
                        if (s.tags()[k] == 0 && w.equals(w.toLowerCase(Locale.ROOT))) {
                            plainWords.merge(w, 1, Integer::sum);
                        }
                    }
                }
            }
            names = names.without(w -> plainWords.getOrDefault(w.toLowerCase(Locale.ROOT), 0) >= 3);
        }
        if (epochs == 0) { // score an existing model on the validation and test splits only
            NerTagger existing;
            try (var in = Files.newInputStream(outModel)) {
                existing = NerTagger.read(in);
            }
            report(existing, trainFiles, devFiles, testFiles);
            return;
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<Sentence> train = new ArrayList<>();
        int originals = 0;
        for (Path p : trainFiles) {
            for (Sentence s : read(p)) {
                originals++;
                List<Sentence> variants = new ArrayList<>(List.of(s));
                if (names != null && hasPerson(s) && random.nextDouble() < replaceRate) {
                    variants.add(names.replacePersons(s, random));
                }
                for (Sentence v : variants) {
                    train.add(v);
                    if (random.nextDouble() < lowerRate) {
                        train.add(recase(v, true));
                    } else if (random.nextDouble() < 0.05 / (1 - lowerRate)) {
                        train.add(recase(v, false));
                    }
                }
            }
        }
        long tokens = train.stream().mapToLong(s -> s.words().length).sum();
        System.out.printf(Locale.ROOT, "train files %s%n%d sentences (%d original), %d tokens, %d buckets, %d epochs, seed %d%n",
                trainFiles.stream().map(p -> p.getFileName().toString()).toList(), train.size(), originals, tokens, buckets, epochs, seed);
        float[] averaged = train(train, buckets, epochs, random);
        NerTagger tagger = NerTagger.quantise(buckets, averaged);
        Files.createDirectories(outModel.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(outModel)) {
            tagger.write(out);
        }
        System.out.printf(Locale.ROOT, "model written: %s (%d bytes)%n", outModel, Files.size(outModel));
        report(tagger, trainFiles, devFiles, testFiles);
    }

    private static void report(NerTagger tagger, List<Path> trainFiles, Map<String, Path> devFiles, Map<String, Path> testFiles)
            throws IOException {
        // validation (model choices are made on these only): the dev splits not trained on, as written and lower-cased
        List<Sentence> dev = new ArrayList<>();
        for (Map.Entry<String, Path> e : devFiles.entrySet()) {
            if (!trainFiles.contains(e.getValue())) {
                dev.addAll(read(e.getValue()));
            }
        }
        if (!dev.isEmpty()) {
            score("VALIDATION " + devFiles.keySet().stream().filter(k -> !k.startsWith("en_ewt")).toList(), dev, tagger);
            score("VALIDATION lower-cased", dev.stream().map(s -> recase(s, true)).toList(), tagger);
        }
        for (Map.Entry<String, Path> e : testFiles.entrySet()) {
            List<Sentence> test = read(e.getValue());
            score(e.getKey(), test, tagger);
            if (e.getKey().startsWith("en_")) {
                score(e.getKey() + " lower-cased", test.stream().map(s -> recase(s, true)).toList(), tagger);
            }
        }
    }

    static float[] train(List<Sentence> data, int buckets, int epochs, SplittableRandom random) {
        int classes = NerFeatures.TAGS.size();
        float[] w = new float[buckets * classes];
        float[] u = new float[buckets * classes]; // sum of c * update, for averaging (Daume III, 2006)
        int[] feats = new int[NerFeatures.SLOTS];
        float[] scores = new float[classes];
        List<Sentence> order = new ArrayList<>(data);
        long c = 1;
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (int i = order.size() - 1; i > 0; i--) { // Fisher-Yates with the injected generator
                int j = random.nextInt(i + 1);
                Sentence t = order.get(i);
                order.set(i, order.get(j));
                order.set(j, t);
            }
            int errors = 0;
            long seen = 0;
            for (Sentence s : order) {
                String[] lower = new String[s.words().length];
                String[] shapes = new String[s.words().length];
                for (int k = 0; k < lower.length; k++) {
                    lower[k] = NerFeatures.lower(s.words()[k]);
                    shapes[k] = NerFeatures.shape(s.words()[k]);
                }
                int p1 = 0;
                int p2 = 0;
                for (int k = 0; k < lower.length; k++) {
                    NerFeatures.extract(s.words(), lower, shapes, k, p1, p2, buckets, feats);
                    java.util.Arrays.fill(scores, 0f);
                    for (int f : feats) {
                        for (int y = 0; y < classes; y++) {
                            scores[y] += w[f * classes + y];
                        }
                    }
                    int best = 0;
                    float bestScore = Float.NEGATIVE_INFINITY;
                    for (int y = 0; y < classes; y++) {
                        if (NerTagger.allowed(p1, y) && scores[y] > bestScore) {
                            bestScore = scores[y];
                            best = y;
                        }
                    }
                    int gold = s.tags()[k];
                    if (best != gold) {
                        errors++;
                        for (int f : feats) {
                            w[f * classes + gold] += 1;
                            u[f * classes + gold] += c;
                            w[f * classes + best] -= 1;
                            u[f * classes + best] -= c;
                        }
                    }
                    c++;
                    seen++;
                    p2 = p1;
                    p1 = best;
                }
            }
            System.out.printf(Locale.ROOT, "epoch %d: token error rate %.4f%n", epoch + 1, errors / (double) seen);
        }
        float[] avg = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            avg[i] = w[i] - u[i] / c;
        }
        return avg;
    }

    /** Exact-span precision, recall and F1 per type (CoNLL evaluation). */
    static void score(String name, List<Sentence> test, NerTagger tagger) {
        Map<String, int[]> counts = new LinkedHashMap<>(); // type -> {gold, predicted, correct}
        for (String t : List.of("PER", "LOC", "ORG", "all")) {
            counts.put(t, new int[3]);
        }
        for (Sentence s : test) {
            List<String> gold = spans(s.tags());
            List<String> pred = spans(tagger.tag(s.words()));
            for (String g : gold) {
                counts.get(g.substring(0, 3))[0]++;
                counts.get("all")[0]++;
            }
            for (String p : pred) {
                counts.get(p.substring(0, 3))[1]++;
                counts.get("all")[1]++;
                if (gold.contains(p)) {
                    counts.get(p.substring(0, 3))[2]++;
                    counts.get("all")[2]++;
                }
            }
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-24s", name));
        for (Map.Entry<String, int[]> e : counts.entrySet()) {
            int[] k = e.getValue();
            double p = k[1] == 0 ? 0 : k[2] / (double) k[1];
            double r = k[0] == 0 ? 0 : k[2] / (double) k[0];
            sb.append(String.format(Locale.ROOT, " | %s P %.3f R %.3f F1 %.3f (n=%d)", e.getKey(), p, r, p + r == 0 ? 0 : 2 * p * r / (p + r), k[0]));
        }
        System.out.println(sb);
    }

    /** "TYPE start end" per entity of a BIO tag sequence. */
    static List<String> spans(int[] tags) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < tags.length) {
            if (tags[i] == 0) {
                i++;
                continue;
            }
            int type = (tags[i] + 1) / 2;
            int j = i + 1;
            while (j < tags.length && tags[j] == type * 2) {
                j++;
            }
            out.add((type == 1 ? "PER" : type == 2 ? "LOC" : "ORG") + " " + i + " " + j);
            i = j;
        }
        return out;
    }

    static boolean hasPerson(Sentence s) {
        for (int t : s.tags()) {
            if (t == 1) {
                return true;
            }
        }
        return false;
    }

    /**
     * First and last names per locale for mention replacement (Dai and Adel, "An Analysis of Simple Data Augmentation
     * for Named Entity Recognition", COLING 2020): a copy of a sentence has each PERSON mention replaced by a name drawn
     * from one locale's lists, so that the word features see many more names than the corpora hold, in the same
     * contexts. File: tab-separated locale, {@code first} or {@code last}, name (see the model manifest for the source).
     */
    record NameLists(List<List<String>> first, List<List<String>> last) {
        static NameLists read(Path file) throws IOException {
            Map<String, List<String>> f = new LinkedHashMap<>();
            Map<String, List<String>> l = new LinkedHashMap<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] c = line.split("\t");
                if (c.length != 3) {
                    continue;
                }
                (c[1].equals("first") ? f : l).computeIfAbsent(c[0], k -> new ArrayList<>()).add(c[2]);
            }
            List<List<String>> firsts = new ArrayList<>();
            List<List<String>> lasts = new ArrayList<>();
            for (String locale : f.keySet()) {
                firsts.add(f.get(locale));
                lasts.add(l.getOrDefault(locale, List.of()));
            }
            return new NameLists(firsts, lasts);
        }

        NameLists without(java.util.function.Predicate<String> drop) {
            List<List<String>> f = first.stream().map(l -> l.stream().filter(drop.negate()).toList()).toList();
            List<List<String>> l = last.stream().map(x -> x.stream().filter(drop.negate()).toList()).toList();
            List<List<String>> keptFirst = new ArrayList<>();
            List<List<String>> keptLast = new ArrayList<>();
            for (int i = 0; i < f.size(); i++) {
                if (!f.get(i).isEmpty()) {
                    keptFirst.add(f.get(i));
                    keptLast.add(l.get(i));
                }
            }
            return new NameLists(keptFirst, keptLast);
        }

        private String pick(List<String> list, SplittableRandom random) {
            return list.get(random.nextInt(list.size()));
        }

        /** Each B-PER I-PER* run replaced by first name (1 token: first or last), first + last, or first + first + last. */
        Sentence replacePersons(Sentence s, SplittableRandom random) {
            int locale = random.nextInt(first.size());
            List<String> fl = first.get(locale);
            List<String> ll = last.get(locale);
            if (ll.isEmpty()) {
                ll = last.get(random.nextInt(last.size()));
                while (ll.isEmpty()) {
                    ll = last.get(random.nextInt(last.size()));
                }
            }
            List<String> words = new ArrayList<>();
            List<Integer> tags = new ArrayList<>();
            int i = 0;
            int[] t = s.tags();
            while (i < t.length) {
                if (t[i] != 1) {
                    words.add(s.words()[i]);
                    tags.add(t[i]);
                    i++;
                    continue;
                }
                int j = i + 1;
                while (j < t.length && t[j] == 2) {
                    j++;
                }
                List<String> name = new ArrayList<>();
                if (j - i == 1) {
                    name.add(random.nextBoolean() ? pick(fl, random) : pick(ll, random));
                } else {
                    name.add(pick(fl, random));
                    if (j - i >= 3) {
                        name.add(pick(fl, random));
                    }
                    name.add(pick(ll, random));
                }
                boolean firstToken = true;
                for (String part : name) {
                    for (String w : part.split(" ")) {
                        words.add(w);
                        tags.add(firstToken ? 1 : 2);
                        firstToken = false;
                    }
                }
                i = j;
            }
            return new Sentence(words.toArray(String[]::new), tags.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    static Sentence recase(Sentence s, boolean lower) {
        String[] w = new String[s.words().length];
        for (int i = 0; i < w.length; i++) {
            w[i] = lower ? s.words()[i].toLowerCase(Locale.ROOT) : s.words()[i].toUpperCase(Locale.ROOT);
        }
        return new Sentence(w, s.tags());
    }

    /** Reads a UNER {@code .iob2} file: tab-separated id, token, tag; '#' comments; blank line between sentences. */
    static List<Sentence> read(Path p) throws IOException {
        List<Sentence> out = new ArrayList<>();
        List<String> words = new ArrayList<>();
        List<Integer> tags = new ArrayList<>();
        for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
            if (line.startsWith("#")) {
                continue;
            }
            if (line.isBlank()) {
                if (!words.isEmpty()) {
                    out.add(new Sentence(words.toArray(String[]::new), tags.stream().mapToInt(Integer::intValue).toArray()));
                    words.clear();
                    tags.clear();
                }
                continue;
            }
            String[] f = line.split(line.indexOf('\t') >= 0 ? "\t" : " ");
            if (f.length < 2 || f[0].equals("-DOCSTART-")) {
                continue;
            }
            // UNER: id, token, tag, ...; CoNLL (wikigold, BTC): token ... tag
            boolean uner = f.length >= 3 && f[0].chars().allMatch(Character::isDigit);
            String word = uner ? f[1] : f[0];
            String label = uner ? f[2] : f[f.length - 1];
            int tag = NerFeatures.TAGS.indexOf(label);
            if (tag < 0) {
                tag = 0; // B-OTH / I-OTH / MISC and anything unknown count as O
            } else if (tag % 2 == 0 && tag > 0) { // IOB1 to IOB2: an I- tag that starts an entity becomes B-
                int prev = tags.isEmpty() ? 0 : tags.get(tags.size() - 1);
                if (prev != tag && prev != tag - 1) {
                    tag = tag - 1;
                }
            }
            words.add(word);
            tags.add(tag);
        }
        if (!words.isEmpty()) {
            out.add(new Sentence(words.toArray(String[]::new), tags.stream().mapToInt(Integer::intValue).toArray()));
        }
        return out;
    }
}
