package org.botsec.attack.inference;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Dataset;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;

/**
 * The candidate records of a membership attack: known training members and known non-members, with labels in the
 * target model's class order. Members and non-members must be disjoint: a record on both sides would make every
 * rate meaningless.
 *
 * @param members    records in the target's training set
 * @param nonMembers records not in it (ideally from the same distribution)
 */
public record MembershipData(Dataset members, Dataset nonMembers) {
    public MembershipData {
        if (members.size() == 0 || nonMembers.size() == 0) {
            throw BadInputException.of("membership inference needs members and non-members, got %d members and %d "
                    + "non-members", members.size(), nonMembers.size());
        }
        if (!members.featureNames().equals(nonMembers.featureNames())) {
            throw BadInputException.of("members and non-members have different features (%d vs %d columns)",
                    members.numFeatures(), nonMembers.numFeatures());
        }
        if (!members.classNames().equals(nonMembers.classNames())) {
            throw BadInputException.of("members and non-members have different classes: %s vs %s",
                    members.classNames(), nonMembers.classNames());
        }
        checkDisjoint(members, nonMembers);
    }

    /**
     * The data with labels mapped to {@code target}'s class order and features checked against its inputs.
     *
     * @throws BadInputException when a data set does not fit the model, or members and non-members overlap
     */
    public static MembershipData forModel(Classifier target, Dataset members, Dataset nonMembers) {
        return new MembershipData(alignToModel(target, members, "members"), alignToModel(target, nonMembers, "non-members"));
    }

    /** Members then non-members in one data set (labels in the model's order). */
    public Dataset pooled() {
        int n = members.size() + nonMembers.size();
        int d = members.numFeatures();
        double[] x = new double[n * d];
        System.arraycopy(members.x().data(), 0, x, 0, members.size() * d);
        System.arraycopy(nonMembers.x().data(), 0, x, members.size() * d, nonMembers.size() * d);
        int[] y = new int[n];
        System.arraycopy(members.y(), 0, y, 0, members.size());
        System.arraycopy(nonMembers.y(), 0, y, members.size(), nonMembers.size());
        return new Dataset(new Matrix(n, d, x), y, members.featureNames(), members.classNames(), "");
    }

    /**
     * {@code data} with labels in {@code target}'s class order, its columns checked against the model's features.
     *
     * @param what how error messages name the data, e.g. {@code --test}
     * @throws BadInputException when the features differ or a label is not a class of the model
     */
    public static Dataset alignToModel(Classifier target, Dataset data, String what) {
        if (data.numFeatures() != target.numFeatures()) {
            throw BadInputException.of("%s have %d features, the model expects %d", what, data.numFeatures(),
                    target.numFeatures());
        }
        if (!data.featureNames().equals(target.featureNames())) {
            throw BadInputException.of("%s columns differ from the model's features (first difference at column %d)",
                    what, firstDifference(data.featureNames(), target.featureNames()));
        }
        List<String> classes = target.classNames();
        int[] map = new int[data.numClasses()];
        for (int c = 0; c < map.length; c++) {
            map[c] = classes.indexOf(data.classNames().get(c));
        }
        int[] y = new int[data.size()];
        for (int i = 0; i < y.length; i++) {
            int m = map[data.y()[i]];
            if (m < 0) {
                throw BadInputException.of("%s row %d has label '%s', which is not a class of the model (%s)", what, i,
                        data.classNames().get(data.y()[i]), String.join(", ", classes));
            }
            y[i] = m;
        }
        return new Dataset(data.x(), y, data.featureNames(), classes, data.sha256());
    }

    private static int firstDifference(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            if (!a.get(i).equals(b.get(i))) {
                return i;
            }
        }
        return Math.min(a.size(), b.size());
    }

    private static void checkDisjoint(Dataset members, Dataset nonMembers) {
        Map<RowKey, Integer> seen = new HashMap<>();
        for (int i = 0; i < members.size(); i++) {
            seen.putIfAbsent(new RowKey(members.x().row(i), members.y()[i]), i);
        }
        int overlap = 0;
        int firstMember = -1;
        int firstNonMember = -1;
        for (int j = 0; j < nonMembers.size(); j++) {
            Integer i = seen.get(new RowKey(nonMembers.x().row(j), nonMembers.y()[j]));
            if (i != null) {
                if (overlap == 0) {
                    firstMember = i;
                    firstNonMember = j;
                }
                overlap++;
            }
        }
        if (overlap > 0) {
            throw BadInputException.of("members and non-members overlap: %d non-member rows are also members (first: "
                    + "non-member row %d = member row %d)", overlap, firstNonMember, firstMember);
        }
    }

    private record RowKey(double[] x, int y) {
        @Override
        public boolean equals(Object o) {
            return o instanceof RowKey k && k.y == y && Arrays.equals(k.x, x);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(x) + y;
        }
    }
}
