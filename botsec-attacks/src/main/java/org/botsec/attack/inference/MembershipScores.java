package org.botsec.attack.inference;

import org.botsec.attack.inference.metrics.Roc;

/**
 * An attack's membership scores: one per candidate record, higher meaning "more likely a training member".
 *
 * @param members    scores of the records that were in the training set, copied
 * @param nonMembers scores of the records that were not, copied
 */
public record MembershipScores(double[] members, double[] nonMembers) {
    public MembershipScores {
        members = members.clone();
        nonMembers = nonMembers.clone();
        if (members.length == 0 || nonMembers.length == 0) {
            throw new IllegalArgumentException("membership scores need members and non-members, got "
                    + members.length + " and " + nonMembers.length);
        }
    }

    @Override
    public double[] members() {
        return members.clone();
    }

    @Override
    public double[] nonMembers() {
        return nonMembers.clone();
    }

    /** The ROC with members as positives. */
    public Roc roc() {
        return Roc.of(members, nonMembers);
    }
}
