package org.botsec.federated;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.security.SecureRandom;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.random.RandomGenerator;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Dataset;
import org.botsec.core.eval.Evaluation;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.Model;
import org.botsec.core.model.PerExampleGradients;
import org.botsec.core.prov.PrivacyGuarantee;
import org.botsec.core.prov.Provenance;
import org.botsec.federated.internal.SecAggRound;
import org.botsec.federated.internal.LocalTrainer;
import org.botsec.federated.internal.Models;
import org.botsec.federated.internal.ServerOptimizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A federated training run simulated in one process (McMahan et al. 2017, "Communication-Efficient Learning of
 * Deep Networks from Decentralized Data"): the training rows are split among N virtual clients by a
 * {@link Partition}; each round a fraction C of them is sampled, each trains the global model locally with
 * minibatch SGD, the server combines their deltas with an {@link Aggregator} and moves the global model with its
 * {@link Strategy}.
 *
 * <p>Clients are plain state (their row indices); the selected clients of a round are cut into a fixed number of
 * chunks ({@value #CHUNKS}) that a small thread pool trains, each chunk with one reusable model copy. With the
 * streaming aggregators (weighted mean, norm bound) each chunk keeps one running sum, so memory is
 * O(chunks · model) whatever the number of clients; Krum, median and trimmed mean need every update of the round.
 * Chunks are summed in a fixed order, so a run is deterministic given the seed, whatever the number of threads.
 *
 * <p>An update with NaN/infinite values or the wrong length is excluded and logged (client id and reason, no
 * values); a round with fewer valid updates than the aggregator needs fails with one line.
 */
public final class Federation {
    /** Chunks per round: the unit of parallel work and of memory (one model and one sum each). */
    public static final int CHUNKS = 8;

    private static final Logger LOG = LoggerFactory.getLogger(Federation.class);

    private final Builder b;

    private Federation(Builder b) {
        this.b = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Clients sampled per round: max(1, round(C · N)). */
    public int clientsPerRound() {
        return perRound(b.clients, b.fractionFit);
    }

    private static int perRound(int clients, double fraction) {
        return Math.max(1, (int) Math.round(fraction * clients));
    }

    /**
     * How many of {@code available} clients a round samples at fraction-fit {@code fractionFit} without DP:
     * max(1, round(C · available)) — the count {@link #run()} uses, so that a networked coordinator with every client
     * connected samples as many as the simulation.
     */
    public static int sampleSize(int available, double fractionFit) {
        if (available < 1) {
            throw new IllegalArgumentException("available must be >= 1, got " + available);
        }
        if (!(fractionFit > 0 && fractionFit <= 1)) {
            throw BadInputException.of("fraction-fit must be in (0, 1], got %s", fractionFit);
        }
        return perRound(available, fractionFit);
    }

    /**
     * The generator {@link #run()} samples each round's clients from (without DP) in a simulation with this seed:
     * a networked coordinator given it and {@link #sampleClients} picks the same clients round after round.
     */
    public static SplittableRandom clientSelectionRandom(long seed) {
        SplittableRandom master = new SplittableRandom(seed);
        master.split(); // partition
        return master.split();
    }

    /**
     * {@code m} distinct indices of [0, n), ascending: the simulation's client sampler (partial Fisher–Yates), from
     * any generator (a seeded {@link #clientSelectionRandom} to replay a simulation, a {@code SecureRandom} in a
     * deployment).
     */
    public static int[] sampleClients(RandomGenerator random, int n, int m) {
        if (m < 0 || m > n) {
            throw new IllegalArgumentException("cannot sample " + m + " of " + n);
        }
        return sample(random, n, m);
    }

    /**
     * The rows of {@code train} that client {@code client} of {@code clients} holds in a simulation with this
     * partition and seed, in the order the simulation gives them — so that a networked client
     * ({@code org.botsec.federated.net}) given {@code train.subset(rows)} trains exactly as virtual client
     * {@code client} does.
     */
    public static int[] clientRows(Dataset train, Partition partition, int clients, int client, long seed) {
        if (client < 0 || client >= clients) {
            throw BadInputException.of("client index must be in [0, %d), got %d", clients, client);
        }
        SplittableRandom master = new SplittableRandom(seed);
        return partition.assign(train.y(), train.numClasses(), clients, master.split())[client].clone();
    }

    /**
     * The seed of client {@code client}'s local shuffling in round {@code round} (from 1) of a simulation with
     * {@code clients} clients and this seed: {@link #run()} derives the same value, which lets a networked run
     * replay a simulation.
     */
    public static long localTrainingSeed(long seed, int clients, int client, int round) {
        SplittableRandom master = new SplittableRandom(seed);
        master.split(); // partition
        master.split(); // client selection
        master.split(); // malicious clients
        return mix64(master.nextLong() + (long) round * clients + client);
    }

    /** Runs every round and returns the history and the final model. */
    public FederationResult run() {
        Dataset train = b.train;
        int numParams = ((PerExampleGradients) b.model).numParameters();
        SplittableRandom master = new SplittableRandom(b.seed);
        int[][] rowsOf = b.partition.assign(train.y(), train.numClasses(), b.clients, master.split());
        SplittableRandom selection = master.split();
        boolean[] malicious = chooseMalicious(master.split());
        boolean backdoor = b.malicious.isPresent() && b.malicious.get().kind() == Malicious.Kind.BACKDOOR;
        Optional<Backdoor> trigger = backdoor ? Optional.of(b.backdoor.orElseGet(() -> Backdoor.defaultFor(b.train)))
                : Optional.empty();
        Dataset poisoned = trigger.isPresent() ? poisonAttackers(trigger.get(), rowsOf, malicious) : train;
        double replacementBoost = clientsPerRound()
                / Math.max(1.0, b.malicious.map(Malicious::fraction).orElse(0.0) * clientsPerRound());
        long clientSeedBase = master.nextLong();

        double[] global = new double[numParams];
        ((PerExampleGradients) b.model).getParameters(global);
        ServerOptimizer server = new ServerOptimizer(b.strategy, numParams);
        Model evalModel = Models.copy(b.model, null);
        int chunks = Math.min(CHUNKS, clientsPerRound());
        LocalTrainer[] trainers = new LocalTrainer[chunks];
        for (int c = 0; c < chunks; c++) {
            trainers[c] = new LocalTrainer((PerExampleGradients) Models.copy(b.model, null));
        }
        boolean streaming = b.aggregator instanceof Aggregator.WeightedMean
                || b.aggregator instanceof Aggregator.NormBound;
        Optional<DpFedAvgCoordinator> dp = b.dp.map(d -> DpFedAvgCoordinator.create(d, b.clients, b.fractionFit));
        SplittableRandom secAggSeeds = master.split();
        SecureRandom secure = b.secureAggregation.isPresent() ? new SecureRandom() : null;
        List<RoundResult> history = new ArrayList<>();
        Evaluation last = null;
        ExecutorService pool = Executors.newFixedThreadPool(b.threads, r -> {
            Thread t = new Thread(r, "botsec-fl-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int round = 1; round <= b.rounds; round++) {
                int[] selected = dp.isPresent() ? dp.get().sampleClients() : sample(selection, b.clients, clientsPerRound());
                OptionalDouble clip = dp.isPresent() ? OptionalDouble.of(dp.get().l2NormClip()) : OptionalDouble.empty();
                final int[] chosen = selected;
                final long roundId = round;
                Optional<SecAggRound> secAgg = b.secureAggregation.map(cfg -> new SecAggRound(cfg, chosen,
                        numParams + 2, roundId, new SplittableRandom(secAggSeeds.nextLong()), secure));
                Set<Integer> droppedOut = new HashSet<>();
                if (b.secureAggregation.isPresent()) {
                    double rate = b.secureAggregation.get().simulatedDropout();
                    for (int c : selected) {
                        if (rate > 0 && secAggSeeds.nextDouble() < rate) {
                            droppedOut.add(c);
                        }
                    }
                }
                List<Future<ChunkResult>> futures = new ArrayList<>();
                final int r = round;
                for (int c = 0; c < chunks; c++) {
                    int from = (int) ((long) selected.length * c / chunks);
                    int to = (int) ((long) selected.length * (c + 1) / chunks);
                    LocalTrainer trainer = trainers[c];
                    int[] mine = Arrays.copyOfRange(selected, from, to);
                    futures.add(pool.submit(() -> runChunk(trainer, mine, rowsOf, global, malicious, streaming,
                            clientSeedBase, r, numParams, clip, secAgg, droppedOut, poisoned, replacementBoost)));
                }
                List<ChunkResult> results = new ArrayList<>();
                for (Future<ChunkResult> f : futures) {
                    results.add(get(f));
                }
                double[] delta = combine(results, streaming, numParams, round, selected.length, dp, secAgg);
                server.step(global, delta);
                ((PerExampleGradients) evalModel).setParameters(global);
                last = Evaluation.of(b.test.y(), ((Classifier) evalModel).predictProba(b.test.x()),
                        b.test.classNames());
                int excluded = results.stream().mapToInt(ChunkResult::excluded).sum();
                int dropped = results.stream().mapToInt(ChunkResult::dropped).sum();
                RoundResult rr = new RoundResult(round, last.accuracy(), last.logLoss(), selected.length, excluded,
                        dropped, clip);
                history.add(rr);
                b.listener.ifPresent(l -> l.roundDone(rr, b.rounds));
            }
        } finally {
            pool.shutdownNow();
        }
        ((PerExampleGradients) evalModel).setParameters(global);
        Provenance prov = provenance();
        Optional<PrivacyGuarantee> privacy = dp.map(this::guarantee);
        if (privacy.isPresent()) {
            prov = prov.withPrivacy(privacy.get());
        }
        Model out = Models.copy(evalModel, prov);
        OptionalDouble backdoorSuccess = trigger.isPresent()
                ? OptionalDouble.of(trigger.get().successRate((Classifier) out, b.test)) : OptionalDouble.empty();
        return new FederationResult(history, last, out, b.seed, privacy, backdoorSuccess);
    }

    private record ChunkResult(double[] sum, long[] maskedSum, List<Integer> sentIds, double weight,
                               List<ClientUpdate> updates, int valid, int excluded, int dropped, int unclipped) {
    }

    private PrivacyGuarantee guarantee(DpFedAvgCoordinator dp) {
        List<String> notCovered = new ArrayList<>();
        if (b.malicious.isPresent()) {
            notCovered.add("simulated malicious clients change what some clients send; the bound still holds for "
                    + "the honest ones");
        }
        return dp.guarantee(b.rounds, notCovered);
    }

    private ChunkResult runChunk(LocalTrainer trainer, int[] clients, int[][] rowsOf, double[] global,
                                 boolean[] malicious, boolean streaming, long clientSeedBase, int round,
                                 int numParams, OptionalDouble clip, Optional<SecAggRound> secAgg,
                                 Set<Integer> droppedOut, Dataset poisoned, double replacementBoost) {
        boolean masked = secAgg.isPresent();
        double[] sum = streaming && !masked ? new double[numParams] : null;
        long[] maskedSum = masked ? new long[numParams + 2] : null;
        List<Integer> sentIds = new ArrayList<>();
        double weight = 0;
        List<ClientUpdate> updates = new ArrayList<>();
        int valid = 0;
        int excluded = 0;
        int dropped = 0;
        int unclipped = 0;
        double[] delta = new double[numParams];
        long[] encoded = masked ? new long[numParams + 2] : null;
        for (int client : clients) {
            if (droppedOut.contains(client)) {
                dropped++; // simulated: shared its keys, then never sent
                continue;
            }
            SplittableRandom rnd = new SplittableRandom(mix64(clientSeedBase + (long) round * b.clients + client));
            trainer.train(malicious[client] ? poisoned : b.train, rowsOf[client], global, b.localEpochs, b.batchSize,
                    b.learningRate, b.strategy.proximalMu(), rnd, delta);
            if (malicious[client]) {
                b.malicious.orElseThrow().apply(delta, replacementBoost);
            }
            double[] sent = b.tamper == null ? delta : b.tamper.apply(client, delta.clone());
            ClientUpdate u = new ClientUpdate(client, sent, rowsOf[client].length);
            Optional<String> problem = u.problem(numParams);
            if (problem.isPresent()) {
                LOG.warn("round {}: client {} excluded: {}", round, client, problem.get());
                excluded++;
                continue;
            }
            if (!streaming) {
                valid++;
                updates.add(u);
                continue;
            }
            double k;
            double w;
            int bit = 0;
            if (clip.isPresent()) {
                // DP-FedAvg: weight 1 per client, delta clipped to the round's norm (McMahan et al. 2018)
                k = DpFedAvgCoordinator.clipFactor(sent, clip.getAsDouble());
                bit = k == 1.0 ? 1 : 0;
                w = 1;
            } else {
                w = u.numExamples();
                k = b.aggregator instanceof Aggregator.NormBound nb ? w * nb.scale(sent) : w;
            }
            if (masked) {
                SecureAggregation cfg = b.secureAggregation.orElseThrow();
                int f = cfg.fractionalBits();
                double bound = cfg.encodableBound(secAgg.get().size());
                boolean fits = w <= bound;
                for (int j = 0; j < numParams && fits; j++) {
                    double v = k * sent[j];
                    fits = Math.abs(v) <= bound;
                    encoded[j] = SecAggRound.encode(v, f);
                }
                if (!fits) {
                    LOG.warn("round {}: client {} excluded: a value is beyond the fixed-point range +-{}", round,
                            client, bound);
                    excluded++;
                    continue;
                }
                encoded[numParams] = SecAggRound.encode(w, f);
                encoded[numParams + 1] = SecAggRound.encode(bit, f);
                long[] y = secAgg.get().maskedInput(client, encoded);
                for (int j = 0; j < y.length; j++) {
                    maskedSum[j] += y[j]; // the coordinator's running sum in Z/2^64
                }
                sentIds.add(client);
            } else {
                weight += w;
                for (int j = 0; j < numParams; j++) {
                    sum[j] += k * sent[j];
                }
            }
            valid++;
            unclipped += bit;
        }
        return new ChunkResult(sum, maskedSum, sentIds, weight, updates, valid, excluded, dropped, unclipped);
    }

    private double[] combine(List<ChunkResult> results, boolean streaming, int numParams, int round, int selected,
                             Optional<DpFedAvgCoordinator> dp, Optional<SecAggRound> secAgg) {
        int valid = results.stream().mapToInt(ChunkResult::valid).sum();
        double[] out = new double[numParams];
        double weight = 0;
        long unclipped = 0;
        if (secAgg.isPresent()) {
            long[] total = new long[numParams + 2];
            Set<Integer> sent = new HashSet<>();
            for (ChunkResult r : results) {
                sent.addAll(r.sentIds());
                for (int j = 0; j < total.length; j++) {
                    total[j] += r.maskedSum()[j];
                }
            }
            secAgg.get().unmask(total, sent);
            int f = b.secureAggregation.orElseThrow().fractionalBits();
            for (int j = 0; j < numParams; j++) {
                out[j] = SecAggRound.decode(total[j], f);
            }
            weight = SecAggRound.decode(total[numParams], f);
            unclipped = Math.round(SecAggRound.decode(total[numParams + 1], f));
        } else if (streaming) {
            for (ChunkResult r : results) {
                weight += r.weight();
                unclipped += r.unclipped();
                for (int j = 0; j < numParams; j++) {
                    out[j] += r.sum()[j];
                }
            }
        }
        if (dp.isPresent()) {
            // a round with no (valid) client is noise only: the fixed denominator keeps the sensitivity C/(qN)
            dp.get().privatize(out, unclipped, valid);
            return out;
        }
        if (valid < b.aggregator.minUpdates()) {
            throw BadInputException.of("round %d: only %d of %d client updates were valid; aggregator %s needs at "
                    + "least %d", round, valid, selected, b.aggregator.spec(), b.aggregator.minUpdates());
        }
        if (!streaming) {
            List<ClientUpdate> all = new ArrayList<>();
            for (ChunkResult r : results) {
                all.addAll(r.updates());
            }
            return b.aggregator.aggregate(all);
        }
        for (int j = 0; j < numParams; j++) {
            out[j] /= weight;
        }
        return out;
    }

    /** The training data with a share of every attacker's rows stamped and relabelled (chosen from the seed). */
    private Dataset poisonAttackers(Backdoor trigger, int[][] rowsOf, boolean[] malicious) {
        SplittableRandom r = new SplittableRandom(mix64(b.seed ^ 0x6261636B646F6F72L));
        List<Integer> rows = new ArrayList<>();
        for (int c = 0; c < b.clients; c++) {
            if (malicious[c]) {
                int[] own = rowsOf[c];
                int k = Math.max(1, (int) Math.round(trigger.poisonFraction() * own.length));
                for (int i : sample(r, own.length, k)) {
                    rows.add(own[i]);
                }
            }
        }
        return trigger.poison(b.train, rows.stream().mapToInt(Integer::intValue).toArray());
    }

    private boolean[] chooseMalicious(SplittableRandom random) {
        boolean[] out = new boolean[b.clients];
        if (b.malicious.isPresent()) {
            int count = (int) Math.round(b.malicious.get().fraction() * b.clients);
            for (int c : sample(random, b.clients, count)) {
                out[c] = true;
            }
        }
        return out;
    }

    /** {@code m} distinct indices of [0, n), ascending (partial Fisher–Yates). */
    static int[] sample(RandomGenerator random, int n, int m) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (int i = 0; i < m; i++) {
            int j = i + random.nextInt(n - i);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int[] out = Arrays.copyOf(perm, m);
        Arrays.sort(out);
        return out;
    }

    /** Stafford's "Mix13" finaliser: nearby seeds give unrelated client streams. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static <T> T get(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private Provenance provenance() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("strategy", b.strategy.name());
        if (b.strategy.proximalMu() > 0) {
            p.put("proximal_mu", b.strategy.proximalMu());
        }
        p.put("aggregator", b.aggregator.spec());
        p.put("partition", b.partition.spec());
        p.put("clients", b.clients);
        p.put("rounds", b.rounds);
        p.put("fraction_fit", b.fractionFit);
        p.put("local_epochs", b.localEpochs);
        p.put("batch_size", b.batchSize);
        p.put("learning_rate", b.learningRate);
        b.malicious.ifPresent(m -> p.put("malicious", m.spec()));
        b.secureAggregation.ifPresent(sa -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("protocol", "bonawitz2017 / secagg+ neighbourhood");
            m.put("neighbours", sa.neighbours() == 0 ? "default (round failure <= 1e-6)" : Integer.toString(sa.neighbours()));
            m.put("fractional_bits", sa.fractionalBits());
            m.put("simulated_dropout", sa.simulatedDropout());
            p.put("secure_aggregation", m);
        });
        p.put("seed", b.seed);
        p.put("simulation", true);
        return Provenance.of("federated/" + b.strategy.name(), p, b.train.sha256(), b.seed);
    }

    /** Settings of a federation; each may be set once; {@link #build()} checks them together. */
    public static final class Builder {
        private Dataset train;
        private Dataset test;
        private Model model;
        private Integer clients;
        private Integer rounds;
        private Double fractionFit;
        private Strategy strategy;
        private Aggregator aggregator;
        private Partition partition;
        private Integer localEpochs;
        private Integer batchSize;
        private Double learningRate;
        private Optional<Malicious> malicious;
        private Long seed;
        private Integer threads;
        private Optional<RoundListener> listener;
        private BiFunction<Integer, double[], double[]> tamper;
        private Optional<DpFedAvg> dp;
        private Optional<SecureAggregation> secureAggregation;
        private Optional<Backdoor> backdoor;

        private Builder() {
        }

        private static void once(Object current, String name) {
            if (current != null) {
                throw new IllegalStateException(name + " was already set");
            }
        }

        /** Training rows, split among the clients. */
        public Builder trainData(Dataset d) {
            once(train, "trainData");
            train = d;
            return this;
        }

        /** Held-out rows the global model is measured on after every round. */
        public Builder testData(Dataset d) {
            once(test, "testData");
            test = d;
            return this;
        }

        /** The initial global model: an {@code Mlp} or a {@code LinearModel} (it is copied, not changed). */
        public Builder initialModel(Model m) {
            once(model, "initialModel");
            model = m;
            return this;
        }

        /** Number of virtual clients N (≥ 1). */
        public Builder clients(int n) {
            once(clients, "clients");
            clients = n;
            return this;
        }

        /** Communication rounds (≥ 1). */
        public Builder rounds(int r) {
            once(rounds, "rounds");
            rounds = r;
            return this;
        }

        /** Fraction C of clients sampled per round, in (0, 1]; default 1. */
        public Builder fractionFit(double f) {
            once(fractionFit, "fractionFit");
            fractionFit = f;
            return this;
        }

        /** Server strategy; default FedAvg. */
        public Builder strategy(Strategy s) {
            once(strategy, "strategy");
            strategy = s;
            return this;
        }

        /** How deltas are combined; default the example-weighted mean. */
        public Builder aggregator(Aggregator a) {
            once(aggregator, "aggregator");
            aggregator = a;
            return this;
        }

        /** How rows are split among clients; default IID. */
        public Builder partition(Partition p) {
            once(partition, "partition");
            partition = p;
            return this;
        }

        /** Local epochs E (≥ 1); default 1. */
        public Builder localEpochs(int e) {
            once(localEpochs, "localEpochs");
            localEpochs = e;
            return this;
        }

        /** Local batch size B (≥ 1); default 10 (McMahan et al.). */
        public Builder batchSize(int bs) {
            once(batchSize, "batchSize");
            batchSize = bs;
            return this;
        }

        /** Local SGD learning rate (&gt; 0); default 0.05. */
        public Builder learningRate(double lr) {
            once(learningRate, "learningRate");
            learningRate = lr;
            return this;
        }

        /** Simulated attackers; default none. */
        public Builder malicious(Malicious m) {
            once(malicious, "malicious");
            malicious = Optional.of(m);
            return this;
        }

        /** Seed of the partition, client sampling, attackers and local shuffling; default 42. */
        public Builder seed(long s) {
            once(seed, "seed");
            seed = s;
            return this;
        }

        /** Worker threads (≥ 1); default min(available processors, {@value #CHUNKS}). Results do not depend on it. */
        public Builder threads(int t) {
            once(threads, "threads");
            threads = t;
            return this;
        }

        /** Called after every round. */
        public Builder listener(RoundListener l) {
            once(listener, "listener");
            listener = Optional.of(l);
            return this;
        }

        /**
         * Client-level differential privacy (DP-FedAvg): clients are then sampled by Poisson sampling with rate
         * fraction-fit, their deltas clipped and counted with weight 1, and the model's provenance carries the
         * {@link PrivacyGuarantee} (unit client). Needs the {@code fedavg} aggregator.
         */
        public Builder dp(DpFedAvg d) {
            once(dp, "dp");
            dp = Optional.of(d);
            return this;
        }

        /**
         * Secure aggregation (Bonawitz et al. 2017 / SecAgg+): the coordinator only sees masked updates and their
         * sum. Needs a summing aggregator (fedavg or norm-bound).
         */
        public Builder secureAggregation(SecureAggregation s) {
            once(secureAggregation, "secureAggregation");
            secureAggregation = Optional.of(s);
            return this;
        }

        /** The trigger of {@code Malicious.Kind.BACKDOOR} attackers; default {@link Backdoor#defaultFor}. */
        public Builder backdoor(Backdoor bd) {
            once(backdoor, "backdoor");
            backdoor = Optional.of(bd);
            return this;
        }

        /** Tests only: replaces what a client sends (to simulate broken clients). */
        Builder tamper(BiFunction<Integer, double[], double[]> t) {
            once(tamper, "tamper");
            tamper = t;
            return this;
        }

        public Federation build() {
            if (train == null || test == null || model == null) {
                throw new IllegalStateException("trainData, testData and initialModel are required");
            }
            Models.check(model);
            if (clients == null || rounds == null) {
                throw new IllegalStateException("clients and rounds are required");
            }
            if (clients < 1) {
                throw BadInputException.of("clients must be >= 1, got %d", clients);
            }
            if (rounds < 1) {
                throw BadInputException.of("rounds must be >= 1, got %d", rounds);
            }
            fractionFit = fractionFit == null ? 1.0 : fractionFit;
            if (!(fractionFit > 0 && fractionFit <= 1)) {
                throw BadInputException.of("fraction-fit must be in (0, 1], got %s", fractionFit);
            }
            strategy = strategy == null ? new Strategy.FedAvg() : strategy;
            aggregator = aggregator == null ? new Aggregator.WeightedMean() : aggregator;
            partition = partition == null ? Partition.iid() : partition;
            localEpochs = localEpochs == null ? 1 : localEpochs;
            batchSize = batchSize == null ? 10 : batchSize;
            learningRate = learningRate == null ? 0.05 : learningRate;
            malicious = malicious == null ? Optional.empty() : malicious;
            seed = seed == null ? 42L : seed;
            threads = threads == null ? Math.min(Runtime.getRuntime().availableProcessors(), CHUNKS) : threads;
            listener = listener == null ? Optional.empty() : listener;
            dp = dp == null ? Optional.empty() : dp;
            secureAggregation = secureAggregation == null ? Optional.empty() : secureAggregation;
            backdoor = backdoor == null ? Optional.empty() : backdoor;
            if (backdoor.isPresent() && (malicious.isEmpty() || malicious.get().kind() != Malicious.Kind.BACKDOOR)) {
                throw new BadInputException("a backdoor trigger needs backdoor attackers (malicious F:backdoor)");
            }
            if (secureAggregation.isPresent() && !(aggregator instanceof Aggregator.WeightedMean)
                    && !(aggregator instanceof Aggregator.NormBound)) {
                throw BadInputException.of("secure aggregation needs a summing aggregator (fedavg or norm-bound:C); "
                        + "%s looks at single updates, which secure aggregation hides", aggregator.spec());
            }
            if (dp.isPresent()) {
                if (!(aggregator instanceof Aggregator.WeightedMean)) {
                    throw BadInputException.of("DP-FedAvg needs the fedavg aggregator (its clipping already bounds each "
                            + "client; the accountant does not cover %s), got %s", aggregator.spec(), aggregator.spec());
                }
                dp.get().updateNoiseMultiplier(fractionFit * clients); // z < 2 sigma_b with adaptive clipping
            }
            if (localEpochs < 1) {
                throw BadInputException.of("local epochs must be >= 1, got %d", localEpochs);
            }
            if (batchSize < 1) {
                throw BadInputException.of("batch size must be >= 1, got %d", batchSize);
            }
            if (!(learningRate > 0 && Double.isFinite(learningRate))) {
                throw BadInputException.of("learning rate must be > 0 and finite, got %s", learningRate);
            }
            if (threads < 1) {
                throw BadInputException.of("threads must be >= 1, got %d", threads);
            }
            Classifier c = (Classifier) model;
            for (Dataset d : List.of(train, test)) {
                if (d.numFeatures() != c.numFeatures()) {
                    throw BadInputException.of("data has %d features, the model %d", d.numFeatures(), c.numFeatures());
                }
                if (!d.classNames().equals(c.classNames())) {
                    throw BadInputException.of("data classes %s differ from the model's %s", d.classNames(),
                            c.classNames());
                }
            }
            int perRound = perRound(clients, fractionFit);
            if (dp.isEmpty() && perRound < aggregator.minUpdates()) {
                throw BadInputException.of("aggregator %s needs at least %d clients per round, fraction-fit %s of %d "
                        + "clients gives %d", aggregator.spec(), aggregator.minUpdates(), fractionFit, clients, perRound);
            }
            return new Federation(this);
        }
    }
}
