package org.botsec.core.model.internal.linear;

/** A design matrix X (n × d), dense or sparse, with the two products the linear objective needs. */
public interface Design {
    int rows();

    int cols();

    /** {@code out (n × r) = X · Wᵀ}, W given as r × d row-major (the first r·d values of {@code w}). */
    void scores(double[] w, int r, double[] out);

    /** {@code out (r × d) = Gᵀ · X}, G given as n × r row-major; overwrites the first r·d values of out. */
    void transposeTimes(double[] g, int r, double[] out);
}
