package org.botsec.attack.inference;

/** What the threshold attack reads from the model's output for one record. */
public enum MembershipSignal {
    /**
     * Minus the cross-entropy loss of the true label, log p_y (Yeom, Giacomelli, Fredrikson, Jha 2018, "Privacy Risk
     * in Machine Learning", CSF): training records tend to have lower loss.
     */
    LOSS,
    /**
     * The largest class probability, without the label (Salem et al. 2019, "ML-Leaks", NDSS): training records
     * tend to get more confident predictions.
     */
    MAX_CONFIDENCE
}
