package org.botsec.explain.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** What quick shift guarantees, on random grey and colour images; Lab values against scikit-image 0.19.3. */
class QuickshiftTest {

    /** Blobs of a few colours plus a little pixel noise, so there are real modes and some flat areas. */
    private static double[] image(int h, int w, int channels, SplittableRandom random) {
        double[] px = new double[h * w * channels];
        double[][] centres = new double[4][];
        double[][] colours = new double[4][channels];
        for (int k = 0; k < 4; k++) {
            centres[k] = new double[] {random.nextDouble() * h, random.nextDouble() * w};
            for (int c = 0; c < channels; c++) {
                colours[k][c] = random.nextDouble();
            }
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int best = 0;
                double bestD = Double.MAX_VALUE;
                for (int k = 0; k < 4; k++) {
                    double d = Math.hypot(y - centres[k][0], x - centres[k][1]);
                    if (d < bestD) {
                        bestD = d;
                        best = k;
                    }
                }
                boolean flat = random.nextInt(3) == 0;
                for (int c = 0; c < channels; c++) {
                    double v = colours[best][c] + (flat ? 0 : 0.05 * random.nextGaussian());
                    px[(y * w + x) * channels + c] = Math.min(1, Math.max(0, v));
                }
            }
        }
        return px;
    }

    private static double[] noise(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = Quickshift.TIE_NOISE * r.nextGaussian();
        }
        return out;
    }

    @Test
    void forestAndLabelsKeepTheirGuarantees() {
        SplittableRandom random = new SplittableRandom(11);
        double[][] params = {{4, 200, 0.2}, {2, 5, 1.0}, {1, 3, 0.5}, {1.5, 10, 0}, {3, 1, 1}};
        int cases = 0;
        for (int channels : new int[] {1, 3}) {
            for (double[] prm : params) {
                int h = 8 + random.nextInt(25);
                int w = 8 + random.nextInt(25);
                double[] px = image(h, w, channels, random);
                double[] noise = noise(h * w, random.nextLong());
                Quickshift.Forest f = Quickshift.forest(px, h, w, channels, prm[0], prm[1], prm[2], noise);
                int[] label = Quickshift.labels(f);
                double[] lab = Quickshift.lab(px, h * w, channels, prm[2]);
                int win = (int) Math.ceil(3 * prm[0]);
                int k = Arrays.stream(label).max().getAsInt() + 1;
                int[] roots = new int[k];
                int[] lastRoot = {-1};
                Arrays.fill(roots, -1);
                for (int p = 0; p < h * w; p++) {
                    int q = f.parent()[p];
                    int dy = Math.abs(p / w - q / w);
                    int dx = Math.abs(p % w - q % w);
                    if (q == p) {
                        assertEquals(-1, roots[label[p]], "one root per segment");
                        roots[label[p]] = p;
                        assertTrue(p > lastRoot[0]);
                        assertEquals(label[p], lastRoot[0] < 0 ? 0 : label[lastRoot[0]] + 1,
                                "segments numbered in the raster order of their roots");
                        lastRoot[0] = p;
                        // a root has no denser pixel in its window within maxDist
                        for (int r = 0; r < h * w; r++) {
                            if (Math.abs(r / w - p / w) <= win && Math.abs(r % w - p % w) <= win
                                    && f.density()[r] > f.density()[p]) {
                                assertTrue(dist(lab, w, p, r) > prm[1], "root " + p + " could link to " + r);
                            }
                        }
                    } else {
                        assertTrue(f.density()[q] > f.density()[p], "links climb the density");
                        assertTrue(dy <= win && dx <= win, "links stay in the window");
                        assertTrue(dist(lab, w, p, q) <= prm[1], "links are at most maxDist long");
                        assertEquals(label[p], label[q]);
                    }
                }
                for (int g = 0; g < k; g++) {
                    assertTrue(roots[g] >= 0, "every label has a root");
                }
                for (int p = 0; p < h * w; p++) {
                    assertTrue(f.density()[roots[label[p]]] >= f.density()[p], "the root is its segment's mode");
                }
                cases++;
            }
        }
        assertEquals(10, cases);
    }

    private static double dist(double[] lab, int w, int p, int q) {
        double d = 0;
        for (int c = 0; c < 3; c++) {
            double t = lab[3 * p + c] - lab[3 * q + c];
            d += t * t;
        }
        double dy = p / w - q / w;
        double dx = p % w - q % w;
        return Math.sqrt(d + dy * dy + dx * dx);
    }

    /** Links do not depend on maxDist, only the cut does: a longer maxDist merges segments, never splits them. */
    @Test
    void longerMaxDistGivesACoarserPartition() {
        SplittableRandom random = new SplittableRandom(5);
        double[] px = image(28, 28, 1, random);
        double[] noise = noise(784, 9);
        int[] previous = null;
        int previousK = Integer.MAX_VALUE;
        for (double maxDist : new double[] {0.5, 1.5, 3, 6, 12, 200}) {
            int[] seg = Quickshift.segment(px, 28, 28, 1, 2, maxDist, 1.0, noise);
            int k = Arrays.stream(seg).max().getAsInt() + 1;
            assertTrue(k <= previousK, "maxDist " + maxDist + ": " + k + " segments");
            if (previous != null) {
                int[] coarseOf = new int[previousK];
                Arrays.fill(coarseOf, -1);
                for (int p = 0; p < seg.length; p++) {
                    int fine = previous[p];
                    assertTrue(coarseOf[fine] < 0 || coarseOf[fine] == seg[p], "nested partitions");
                    coarseOf[fine] = seg[p];
                }
            }
            previous = seg;
            previousK = k;
        }
        assertEquals(784, Arrays.stream(Quickshift.segment(px, 28, 28, 1, 2, 0.5, 1.0, noise)).max().getAsInt() + 1,
                "links are at least 1 pixel long, so maxDist 0.5 leaves every pixel alone");
    }

    @Test
    void seededNoiseReplays() {
        double[] px = image(20, 24, 3, new SplittableRandom(2));
        int[] a = Quickshift.segment(px, 20, 24, 3, 1, 4, 0.5, 7L);
        assertArrayEquals(a, Quickshift.segment(px, 20, 24, 3, 1, 4, 0.5, 7L));
        double[] flat = new double[20 * 24];
        assertFalse(Arrays.equals(Quickshift.segment(flat, 20, 24, 1, 1, 4, 0.5, 7L),
                Quickshift.segment(flat, 20, 24, 1, 1, 4, 0.5, 8L)),
                "on a flat image only the noise decides, so another seed gives another forest");
    }

    /** skimage.color.rgb2lab (scikit-image 0.19.3) of a few colours; grey values are read as R = G = B. */
    @Test
    void labMatchesScikitImage() {
        double[][] rgb = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 1}, {0.2, 0.6, 0.9}};
        double[][] want = {{53.240587943744885, 80.09230822569225, 67.20275104442868},
                {87.73509948831895, -86.18302974439501, 83.1797031753845},
                {32.29567256501352, 79.18559091176559, -107.85730020669489},
                {100.0, -0.0024549378619953544, 0.004653421154054982},
                {60.92953202887729, -3.060155317418989, -46.83765363765797}};
        for (int i = 0; i < rgb.length; i++) {
            double[] lab = Quickshift.lab(rgb[i], 1, 3, 1.0);
            for (int c = 0; c < 3; c++) {
                assertEquals(want[i][c], lab[c], 1e-12, "colour " + i + " channel " + c);
            }
        }
        double[][] grey = {{0.5, 53.38896474111431, -0.0014684965237710124, 0.0027835868654069174},
                {0.02, 1.3982848297213621, -8.877634954940206e-05, 0.00016827560722076917}};
        for (double[] g : grey) {
            double[] lab = Quickshift.lab(new double[] {g[0]}, 1, 1, 0.2);
            for (int c = 0; c < 3; c++) {
                assertEquals(g[c + 1] * 0.2, lab[c], 1e-12);
            }
        }
    }
}
