package org.botsec.core.model.internal.linear;

/**
 * Limited-memory BFGS for smooth unconstrained minimisation (Liu &amp; Nocedal, "On the limited memory BFGS method
 * for large scale optimization", Math. Programming 45, 1989), two-loop recursion with scaling
 * {@code γ = sᵀy / yᵀy} (Nocedal &amp; Wright, Numerical Optimization, 2nd ed., Alg. 7.4/7.5), and a line search
 * for the strong Wolfe conditions (ibid., Alg. 3.5/3.6, c1 = 1e-4, c2 = 0.9). Near the optimum the change in the
 * objective drowns in rounding, so a step is also accepted under the approximate Wolfe conditions of Hager &amp;
 * Zhang (SIAM J. Optim. 16, 2005), which use only derivatives. Stops when {@code ‖∇f‖_∞ ≤ tolerance}.
 */
public final class Lbfgs {
    private static final double C1 = 1e-4;
    private static final double C2 = 0.9;
    private static final double APPROX_DELTA = 0.1;
    private static final int MAX_LINE_SEARCH = 50;

    /** A smooth function. */
    public interface Function {
        /** Returns f(x) and writes ∇f(x) into {@code grad}. */
        double valueAndGradient(double[] x, double[] grad);
    }

    /**
     * The outcome of a minimisation.
     *
     * @param x            the last iterate
     * @param value        f(x)
     * @param gradientNorm ‖∇f(x)‖_∞
     * @param iterations   L-BFGS iterations taken
     * @param evaluations  function evaluations
     * @param converged    whether the gradient tolerance was met
     * @param message      why it stopped
     */
    public record Result(double[] x, double value, double gradientNorm, int iterations, int evaluations,
                         boolean converged, String message) {
    }

    private final Function f;
    private final int dim;
    private final double[] xTrial;
    private final double[] gTrial;
    private double fTrial;
    private double dphiTrial;
    private int evaluations;

    private Lbfgs(Function f, int dim) {
        this.f = f;
        this.dim = dim;
        this.xTrial = new double[dim];
        this.gTrial = new double[dim];
    }

    /**
     * Minimises {@code f} from {@code x0}.
     *
     * @param maxIterations most iterations (≥ 1)
     * @param tolerance     stop when the largest absolute gradient component is at most this
     * @param memory        number of correction pairs kept (e.g. 10)
     */
    public static Result minimize(Function f, double[] x0, int maxIterations, double tolerance, int memory) {
        return new Lbfgs(f, x0.length).run(x0, maxIterations, tolerance, memory);
    }

    private Result run(double[] x0, int maxIterations, double tolerance, int memory) {
        double[] x = x0.clone();
        double[] g = new double[dim];
        double fx = f.valueAndGradient(x, g);
        evaluations = 1;
        checkFinite(fx, g);
        double[][] s = new double[memory][dim];
        double[][] yv = new double[memory][dim];
        double[] rho = new double[memory];
        double[] alpha = new double[memory];
        double[] d = new double[dim];
        int stored = 0;
        int head = 0; // index of the next slot to write
        int iter = 0;
        double gnorm = infNorm(g);
        boolean retried = false;
        while (gnorm > tolerance) {
            if (iter >= maxIterations) {
                return new Result(x, fx, gnorm, iter, evaluations, false,
                        "reached maxIterations=" + maxIterations);
            }
            iter++;
            // Two-loop recursion: d = -H g.
            for (int i = 0; i < dim; i++) {
                d[i] = -g[i];
            }
            for (int m = 0; m < stored; m++) {
                int k = Math.floorMod(head - 1 - m, memory);
                alpha[k] = rho[k] * dot(s[k], d);
                axpy(-alpha[k], yv[k], d);
            }
            if (stored > 0) {
                int last = Math.floorMod(head - 1, memory);
                double gamma = dot(s[last], yv[last]) / dot(yv[last], yv[last]);
                for (int i = 0; i < dim; i++) {
                    d[i] *= gamma;
                }
            }
            for (int m = stored - 1; m >= 0; m--) {
                int k = Math.floorMod(head - 1 - m, memory);
                double beta = rho[k] * dot(yv[k], d);
                axpy(alpha[k] - beta, s[k], d);
            }
            double dphi0 = dot(d, g);
            if (!(dphi0 < 0)) {
                stored = 0;
                for (int i = 0; i < dim; i++) {
                    d[i] = -g[i];
                }
                dphi0 = dot(d, g);
            }
            double step0 = stored == 0 ? Math.min(1.0, 1.0 / Math.sqrt(dot(g, g))) : 1.0;
            if (!lineSearch(x, fx, d, dphi0, step0)) {
                if (stored > 0 && !retried) {
                    stored = 0; // curvature pairs may be stale: retry once along the steepest descent
                    retried = true;
                    continue;
                }
                return new Result(x, fx, gnorm, iter, evaluations, false,
                        "line search found no acceptable step (gradient norm " + gnorm + ")");
            }
            retried = false;
            double sy = 0;
            double yy = 0;
            double[] sk = s[head];
            double[] yk = yv[head];
            for (int i = 0; i < dim; i++) {
                sk[i] = xTrial[i] - x[i];
                yk[i] = gTrial[i] - g[i];
                sy += sk[i] * yk[i];
                yy += yk[i] * yk[i];
            }
            if (sy > 1e-12 * yy && sy > 0) {
                rho[head] = 1.0 / sy;
                head = (head + 1) % memory;
                stored = Math.min(stored + 1, memory);
            }
            System.arraycopy(xTrial, 0, x, 0, dim);
            System.arraycopy(gTrial, 0, g, 0, dim);
            fx = fTrial;
            gnorm = infNorm(g);
        }
        return new Result(x, fx, gnorm, iter, evaluations, true, "gradient tolerance met");
    }

    /** Evaluates φ(a) = f(x + a d) into the trial buffers. */
    private double phi(double[] x, double[] d, double a) {
        for (int i = 0; i < dim; i++) {
            xTrial[i] = x[i] + a * d[i];
        }
        fTrial = f.valueAndGradient(xTrial, gTrial);
        evaluations++;
        dphiTrial = dot(gTrial, d);
        return fTrial;
    }

    private boolean approxWolfe(double phiA, double dphiA, double phi0, double dphi0) {
        double epsF = 1e-10 * (Math.abs(phi0) + 1.0);
        return phiA <= phi0 + epsF && dphiA >= C2 * dphi0 && dphiA <= (2 * APPROX_DELTA - 1) * dphi0;
    }

    /** Strong Wolfe line search; on success the trial buffers hold the accepted point. */
    private boolean lineSearch(double[] x, double phi0, double[] d, double dphi0, double step0) {
        double aPrev = 0;
        double phiPrev = phi0;
        double dphiPrev = dphi0;
        double a = step0;
        for (int i = 0; i < MAX_LINE_SEARCH; i++) {
            double phiA = phi(x, d, a);
            double dphiA = dphiTrial;
            if (!Double.isFinite(phiA) || !Double.isFinite(dphiA)) {
                a = aPrev + 0.1 * (a - aPrev); // overflow: step back towards the last finite point
                continue;
            }
            if (phiA > phi0 + C1 * a * dphi0 || (i > 0 && phiA >= phiPrev)) {
                if (approxWolfe(phiA, dphiA, phi0, dphi0)) {
                    return true;
                }
                return zoom(x, d, phi0, dphi0, aPrev, phiPrev, dphiPrev, a, phiA, dphiA);
            }
            if (Math.abs(dphiA) <= -C2 * dphi0) {
                return true;
            }
            if (dphiA >= 0) {
                return zoom(x, d, phi0, dphi0, a, phiA, dphiA, aPrev, phiPrev, dphiPrev);
            }
            aPrev = a;
            phiPrev = phiA;
            dphiPrev = dphiA;
            a = 2 * a;
        }
        return false;
    }

    private boolean zoom(double[] x, double[] d, double phi0, double dphi0, double lo, double phiLo, double dphiLo,
                         double hi, double phiHi, double dphiHi) {
        for (int j = 0; j < MAX_LINE_SEARCH; j++) {
            double width = Math.abs(hi - lo);
            if (width <= 1e-16 * Math.max(Math.abs(lo), Math.abs(hi))) {
                return false;
            }
            double a = cubicMinimizer(lo, phiLo, dphiLo, hi, phiHi, dphiHi);
            double left = Math.min(lo, hi);
            double right = Math.max(lo, hi);
            if (!Double.isFinite(a) || a < left + 0.1 * width || a > right - 0.1 * width) {
                a = 0.5 * (lo + hi);
            }
            double phiA = phi(x, d, a);
            double dphiA = dphiTrial;
            if (approxWolfe(phiA, dphiA, phi0, dphi0)) {
                return true;
            }
            if (phiA > phi0 + C1 * a * dphi0 || phiA >= phiLo) {
                hi = a;
                phiHi = phiA;
                dphiHi = dphiA;
            } else {
                if (Math.abs(dphiA) <= -C2 * dphi0) {
                    return true;
                }
                if (dphiA * (hi - lo) >= 0) {
                    hi = lo;
                    phiHi = phiLo;
                    dphiHi = dphiLo;
                }
                lo = a;
                phiLo = phiA;
                dphiLo = dphiA;
            }
        }
        return false;
    }

    /** Minimiser of the cubic interpolating φ and φ' at a and b (Nocedal &amp; Wright eq. 3.59). */
    private static double cubicMinimizer(double a, double fa, double da, double b, double fb, double db) {
        double d1 = da + db - 3 * (fa - fb) / (a - b);
        double disc = d1 * d1 - da * db;
        if (disc < 0) {
            return Double.NaN;
        }
        double d2 = Math.signum(b - a) * Math.sqrt(disc);
        return b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2);
    }

    private static void checkFinite(double fx, double[] g) {
        if (!Double.isFinite(fx)) {
            throw new ArithmeticException("objective is not finite at the starting point: " + fx);
        }
        for (double v : g) {
            if (!Double.isFinite(v)) {
                throw new ArithmeticException("gradient is not finite at the starting point");
            }
        }
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double alpha, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += alpha * x[i];
        }
    }

    private static double infNorm(double[] g) {
        double m = 0;
        for (double v : g) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
