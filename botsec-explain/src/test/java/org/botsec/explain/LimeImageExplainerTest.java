package org.botsec.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.explain.internal.Quickshift;
import org.botsec.explain.internal.Slic;
import org.junit.jupiter.api.Test;

class LimeImageExplainerTest {

    private static double[] digitLike(int h, int w) {
        double[] px = new double[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double cy = (y - h / 2.0) / h;
                double cx = (x - w / 2.0) / w;
                double r = Math.sqrt(cy * cy + cx * cx);
                px[y * w + x] = Math.abs(r - 0.3) < 0.12 ? 1.0 : 0.1 * ((x + y) % 3);
            }
        }
        return px;
    }

    @Test
    void slicGivesConnectedSegmentsCoveringTheImage() {
        for (int size : new int[] {8, 28}) {
            double[] img = digitLike(size, size);
            int want = size == 8 ? 16 : 50;
            int[] seg = Slic.segment(img, size, size, 1, want, 0.3);
            int k = Arrays.stream(seg).max().getAsInt() + 1;
            assertTrue(k >= want / 3 && k <= want * 2, "segments " + k);
            // each label is one 4-connected component
            for (int g = 0; g < k; g++) {
                int first = -1;
                int count = 0;
                for (int p = 0; p < seg.length; p++) {
                    if (seg[p] == g) {
                        count++;
                        if (first < 0) {
                            first = p;
                        }
                    }
                }
                assertTrue(count > 0);
                assertEquals(count, flood(seg, size, size, first), "segment " + g + " connected");
            }
        }
    }

    private static int flood(int[] seg, int h, int w, int start) {
        boolean[] seen = new boolean[seg.length];
        java.util.ArrayDeque<Integer> q = new java.util.ArrayDeque<>();
        q.add(start);
        seen[start] = true;
        int n = 0;
        while (!q.isEmpty()) {
            int p = q.poll();
            n++;
            int y = p / w;
            int x = p % w;
            int[][] nb = {{y - 1, x}, {y + 1, x}, {y, x - 1}, {y, x + 1}};
            for (int[] c : nb) {
                if (c[0] >= 0 && c[0] < h && c[1] >= 0 && c[1] < w) {
                    int r = c[0] * w + c[1];
                    if (!seen[r] && seg[r] == seg[start]) {
                        seen[r] = true;
                        q.add(r);
                    }
                }
            }
        }
        return n;
    }

    /**
     * With fill value 0 a model that averages the pixels of the top-left quadrant is exactly linear in the
     * superpixel on/off indicators: segment g contributes 0.8·(its pixel sum inside the quadrant)/16. LIME's
     * ridge must recover those contributions.
     */
    @Test
    void recoversSuperpixelContributionsOfALinearModel() {
        recoversContributions(LimeImageExplainer.builder().shape(8, 8, 1).numSegments(16).fillValue(0)
                .featureSelection(FeatureSelection.NONE).seed(3).build());
    }

    /** The same with quick shift superpixels (which need not be 4-connected). */
    @Test
    void recoversSuperpixelContributionsWithQuickshift() {
        int k = recoversContributions(LimeImageExplainer.builder().shape(8, 8, 1).fillValue(0)
                .segmentation(Segmentation.QUICKSHIFT).kernelSize(1).maxDist(3).ratio(1)
                .featureSelection(FeatureSelection.NONE).seed(3).build());
        assertTrue(k >= 4, k + " segments");
    }

    private static int recoversContributions(LimeImageExplainer ex) {
        int h = 8;
        double[] img = digitLike(h, h);
        java.util.function.Function<Matrix, Matrix> model = x -> {
            Matrix out = new Matrix(x.rows(), 2);
            for (int i = 0; i < x.rows(); i++) {
                double s = 0;
                for (int y = 0; y < 4; y++) {
                    for (int c = 0; c < 4; c++) {
                        s += x.get(i, y * h + c);
                    }
                }
                double p = 0.1 + 0.8 * s / 16;
                out.set(i, 0, 1 - p);
                out.set(i, 1, p);
            }
            return out;
        };
        Explanation e = ex.explainInstance(img, model, 100, 4000, 1);
        int[] seg = ((Instance.Image) e.instance()).segments();
        int k = Arrays.stream(seg).max().getAsInt() + 1;
        double[] expected = new double[k];
        for (int y = 0; y < 4; y++) {
            for (int c = 0; c < 4; c++) {
                expected[seg[y * h + c]] += 0.8 * img[y * h + c] / 16;
            }
        }
        for (FeatureWeight w : e.weights()) {
            assertEquals(expected[w.index()], w.weight(), 3e-3, w.feature());
        }
        assertTrue(e.score() > 0.99, "score " + e.score());
        byte[] png = org.botsec.explain.render.ImageOverlay.png(e, 16);
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        return k;
    }

    @Test
    void quickshiftFromTheBuilder() {
        double[] img = digitLike(28, 28);
        LimeImageExplainer slic = LimeImageExplainer.builder().shape(28, 28, 1).seed(5).build();
        assertArrayEquals(Slic.segment(img, 28, 28, 1, 50, 0.3), slic.segments(img), "SLIC stays the default");
        LimeImageExplainer lime = LimeImageExplainer.builder().shape(28, 28, 1).seed(5)
                .segmentation(Segmentation.QUICKSHIFT).build();
        LimeImageExplainer explicit = LimeImageExplainer.builder().shape(28, 28, 1).seed(5)
                .segmentation(Segmentation.QUICKSHIFT).kernelSize(4).maxDist(200).ratio(0.2).build();
        assertArrayEquals(explicit.segments(img), lime.segments(img), "lime's parameters are the defaults");
        LimeImageExplainer fine = LimeImageExplainer.builder().shape(28, 28, 1).seed(5)
                .segmentation(Segmentation.QUICKSHIFT).kernelSize(2).maxDist(5).ratio(1).build();
        int[] seg = fine.segments(img);
        assertArrayEquals(seg, fine.segments(img), "the seed fixes the segments");
        int k = Arrays.stream(seg).max().getAsInt() + 1;
        assertTrue(k > Arrays.stream(lime.segments(img)).max().getAsInt() + 1, "a smaller kernel, more segments");
        // the same partition as Quickshift itself (whose own noise seed differs): no exact density ties here
        int[] direct = Quickshift.segment(img, 28, 28, 1, 2, 5, 1, 123L);
        assertEquals(k, Arrays.stream(direct).max().getAsInt() + 1);
        Explanation e = fine.explainInstance(img, x -> {
            Matrix out = new Matrix(x.rows(), 2);
            for (int i = 0; i < x.rows(); i++) {
                out.set(i, 0, 1 - x.get(i, 14 * 28 + 14) * 0.5);
                out.set(i, 1, x.get(i, 14 * 28 + 14) * 0.5);
            }
            return out;
        }, 3, 300, 1);
        assertArrayEquals(seg, ((Instance.Image) e.instance()).segments());
    }

    @Test
    void rejectsBadQuickshiftParameters() {
        for (Runnable bad : new Runnable[] {() -> LimeImageExplainer.builder().kernelSize(0.5),
                () -> LimeImageExplainer.builder().kernelSize(LimeImageExplainer.MAX_KERNEL_SIZE + 1),
                () -> LimeImageExplainer.builder().kernelSize(Double.NaN),
                () -> LimeImageExplainer.builder().maxDist(0),
                () -> LimeImageExplainer.builder().maxDist(Double.POSITIVE_INFINITY),
                () -> LimeImageExplainer.builder().ratio(-0.1), () -> LimeImageExplainer.builder().ratio(1.5)}) {
            BadInputException e = assertThrows(BadInputException.class, bad::run);
            assertTrue(e.getMessage().matches("(kernelSize|maxDist|ratio) must be .*, got .*"), e.getMessage());
        }
    }

    @Test
    void rejectsImageOfWrongSize() {
        LimeImageExplainer ex = LimeImageExplainer.builder().shape(28, 28, 1).seed(1).build();
        BadInputException e = assertThrows(BadInputException.class,
                () -> ex.explainInstance(new double[64], x -> new Matrix(x.rows(), 10), 5, 100, 0));
        assertTrue(e.getMessage().contains("expected 784"), e.getMessage());
        assertThrows(BadInputException.class, () -> LimeImageExplainer.builder().shape(8, 8, 2));
    }

    @Test
    void rejectsPixelsOutsideZeroToOne() {
        LimeImageExplainer ex = LimeImageExplainer.builder().shape(8, 8, 1).seed(1).build();
        double[] img = new double[64];
        img[5] = 255;
        assertEquals("image values must be in [0, 1] (divide 8-bit pixels by 255), got 255.0 at index 5",
                assertThrows(BadInputException.class,
                        () -> ex.explainInstance(img, x -> new Matrix(x.rows(), 10), 5, 100, 0)).getMessage());
        img[5] = Double.NaN;
        assertThrows(BadInputException.class, () -> ex.segments(img));
    }
}
