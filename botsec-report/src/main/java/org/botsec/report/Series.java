package org.botsec.report;

import java.util.Objects;

/**
 * One line of a chart a check wants drawn (robust accuracy against ε, an ROC curve, claimed against empirical ε).
 *
 * @param chart  the chart it belongs to, e.g. {@code robustness_curve}; series with the same chart share axes
 * @param name   the line's name in the legend, e.g. {@code pgd}
 * @param xLabel the x axis' label
 * @param yLabel the y axis' label
 * @param x      x values, copied
 * @param y      y values, copied; as many as x
 */
public record Series(String chart, String name, String xLabel, String yLabel, double[] x, double[] y) {
    public Series {
        Objects.requireNonNull(chart, "chart");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(xLabel, "xLabel");
        Objects.requireNonNull(yLabel, "yLabel");
        x = x.clone();
        y = y.clone();
        if (x.length != y.length) {
            throw new IllegalArgumentException("series " + name + " has " + x.length + " x values but " + y.length + " y values");
        }
    }

    @Override
    public double[] x() {
        return x.clone();
    }

    @Override
    public double[] y() {
        return y.clone();
    }
}
