package org.botsec.federated;

import java.util.Optional;
import org.botsec.core.prov.PrivacyGuarantee;

import java.util.List;
import org.botsec.core.eval.Evaluation;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.Model;

/**
 * What a simulated federation produced.
 *
 * @param rounds  accuracy and loss after every round
 * @param metrics test metrics of the final global model
 * @param model   the final global model, with provenance (strategy, aggregator, partition, clients, rounds, seed)
 * @param seed    the seed of partition, client sampling, local shuffling and initial weights
 * @param privacy with DP-FedAvg, the client-level guarantee (also in the model's provenance)
 * @param backdoorSuccess with backdoor attackers, the final model's attack success rate on the triggered test rows
 *                        outside the target class ({@link Backdoor#successRate})
 */
public record FederationResult(List<RoundResult> rounds, Evaluation metrics, Model model, long seed,
                               Optional<PrivacyGuarantee> privacy, java.util.OptionalDouble backdoorSuccess) {
    public FederationResult {
        rounds = List.copyOf(rounds);
        java.util.Objects.requireNonNull(privacy, "privacy");
        java.util.Objects.requireNonNull(backdoorSuccess, "backdoorSuccess");
    }

    /** The final model as a classifier (every model a federation trains is one). */
    public Classifier classifier() {
        return (Classifier) model;
    }
}
