package org.botsec.federated;

import java.util.Locale;
import org.botsec.core.BadInputException;

/** The server's rule for turning the aggregated client delta into new global parameters. */
public sealed interface Strategy {
    /** A name for provenance and output. */
    String name();

    /** The FedProx proximal weight μ clients use; 0 for the other strategies. */
    default double proximalMu() {
        return 0;
    }

    /** Parses fedavg, fedprox, fedadam or fedyogi with their defaults. */
    static Strategy parse(String spec) {
        String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "fedavg" -> new FedAvg();
            case "fedprox" -> new FedProx(FedProx.DEFAULT_MU);
            case "fedadam" -> FedAdam.defaults();
            case "fedyogi" -> FedYogi.defaults();
            default -> throw BadInputException.of("strategy must be fedavg, fedprox, fedadam or fedyogi, got '%s'", spec);
        };
    }

    /** FedAvg (McMahan et al. 2017): global += aggregated delta. */
    record FedAvg() implements Strategy {
        @Override
        public String name() {
            return "fedavg";
        }
    }

    /**
     * FedProx (Li et al. 2020, "Federated Optimization in Heterogeneous Networks"): FedAvg's server, clients add
     * μ(w − w_global) to their gradient so that local models stay near the global one.
     *
     * @param mu proximal weight (&gt; 0)
     */
    record FedProx(double mu) implements Strategy {
        /** μ = 0.01, one of the values Li et al. report. */
        public static final double DEFAULT_MU = 0.01;

        public FedProx {
            if (!(mu > 0 && Double.isFinite(mu))) {
                throw BadInputException.of("fedprox mu must be > 0 and finite, got %s", mu);
            }
        }

        @Override
        public String name() {
            return "fedprox";
        }

        @Override
        public double proximalMu() {
            return mu;
        }
    }

    /**
     * FedAdam (Reddi et al. 2021, "Adaptive Federated Optimization", Algorithm 2): Adam on the server with the
     * aggregated delta as pseudo-gradient, no bias correction, v initialised to τ².
     *
     * @param eta   server learning rate
     * @param beta1 first-moment decay (paper: 0.9)
     * @param beta2 second-moment decay (paper: 0.99)
     * @param tau   adaptivity (paper tunes over 1e-1 ... 1e-5; default 1e-3)
     */
    record FedAdam(double eta, double beta1, double beta2, double tau) implements Strategy {
        public FedAdam {
            checkAdaptive(eta, beta1, beta2, tau);
        }

        /** η = 0.01, β1 = 0.9, β2 = 0.99, τ = 1e-3. */
        public static FedAdam defaults() {
            return new FedAdam(0.01, 0.9, 0.99, 1e-3);
        }

        @Override
        public String name() {
            return "fedadam";
        }
    }

    /**
     * FedYogi (Reddi et al. 2021): as FedAdam with Yogi's additive second moment
     * v ← v − (1 − β2) Δ² sign(v − Δ²).
     *
     * @param eta   server learning rate
     * @param beta1 first-moment decay
     * @param beta2 second-moment decay
     * @param tau   adaptivity
     */
    record FedYogi(double eta, double beta1, double beta2, double tau) implements Strategy {
        public FedYogi {
            checkAdaptive(eta, beta1, beta2, tau);
        }

        /** η = 0.01, β1 = 0.9, β2 = 0.99, τ = 1e-3. */
        public static FedYogi defaults() {
            return new FedYogi(0.01, 0.9, 0.99, 1e-3);
        }

        @Override
        public String name() {
            return "fedyogi";
        }
    }

    private static void checkAdaptive(double eta, double beta1, double beta2, double tau) {
        if (!(eta > 0 && Double.isFinite(eta))) {
            throw BadInputException.of("server learning rate must be > 0 and finite, got %s", eta);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw BadInputException.of("beta1 and beta2 must be in [0, 1), got %s and %s", beta1, beta2);
        }
        if (!(tau > 0 && Double.isFinite(tau))) {
            throw BadInputException.of("tau must be > 0 and finite, got %s", tau);
        }
    }
}
