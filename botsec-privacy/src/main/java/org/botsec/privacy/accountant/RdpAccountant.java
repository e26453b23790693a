package org.botsec.privacy.accountant;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.botsec.privacy.accountant.analysis.RdpAnalysis;

/**
 * Rényi-DP accountant at dp_accounting's default orders: sums steps × RDP(q, σ) over the history and converts
 * with {@link RdpAnalysis#epsilon}. One-step RDP curves are cached per (σ, q), so after the first call an ε costs
 * microseconds. See {@link PrivacyAccountant} for the privacy unit and assumptions.
 */
final class RdpAccountant extends PrivacyAccountant {
    private final Map<List<Double>, double[]> cache = new HashMap<>();
    private final double[] orders = RdpAnalysis.defaultOrders();

    @Override
    public AccountantType type() {
        return AccountantType.RDP;
    }

    @Override
    void onStep(double noiseMultiplier, double sampleRate, long steps) {
        // nothing to precompute; curves are cached on demand
    }

    private double[] oneStep(double noiseMultiplier, double sampleRate) {
        return cache.computeIfAbsent(List.of(noiseMultiplier, sampleRate),
                k -> RdpAnalysis.rdpPoissonSubsampledGaussian(sampleRate, noiseMultiplier, orders));
    }

    @Override
    PrivacySpent spent(List<AccountingStep> steps, double delta) {
        double[] total = new double[orders.length];
        long n = 0;
        for (AccountingStep s : steps) {
            double[] one = oneStep(s.noiseMultiplier(), s.sampleRate());
            for (int k = 0; k < total.length; k++) {
                total[k] += s.steps() * one[k];
            }
            n += s.steps();
        }
        RdpAnalysis.EpsilonAtOrder e = RdpAnalysis.epsilon(orders, total, delta);
        return new PrivacySpent(e.epsilon(), delta, AccountantType.RDP, n, OptionalDouble.of(e.order()));
    }
}
