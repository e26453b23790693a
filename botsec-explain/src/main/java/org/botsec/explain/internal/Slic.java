package org.botsec.explain.internal;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * SLIC superpixels (Achanta et al. 2012, "SLIC Superpixels Compared to State-of-the-Art Superpixel Methods",
 * IEEE TPAMI 34(11)): k-means on (colour, position) with centres seeded on a regular grid of step
 * S = sqrt(N/k), each centre searching a 2S×2S window, distance sqrt(d_colour² + (d_xy/S)²·m²) with
 * compactness m, 10 iterations; then connectivity is enforced: connected pieces smaller than a quarter of
 * the expected size are merged into a neighbour and labels are renumbered 0..K−1 in raster order.
 */
public final class Slic {
    private Slic() {
    }

    /**
     * @param pixels      height·width·channels values (channels interleaved)
     * @param numSegments the wanted number of superpixels (approximate)
     * @param compactness m, weight of spatial distance against colour distance (colours in [0, 1])
     * @return the superpixel of each pixel
     */
    public static int[] segment(double[] pixels, int height, int width, int channels, int numSegments,
            double compactness) {
        int n = height * width;
        int k = Math.max(1, Math.min(numSegments, n));
        double step = Math.sqrt((double) n / k);
        int gy = Math.max(1, (int) Math.round(height / step));
        int gx = Math.max(1, (int) Math.round(width / step));
        int centres = gy * gx;
        double[] cy = new double[centres];
        double[] cx = new double[centres];
        double[] cc = new double[centres * channels];
        for (int i = 0; i < gy; i++) {
            for (int j = 0; j < gx; j++) {
                int c = i * gx + j;
                cy[c] = (i + 0.5) * height / gy;
                cx[c] = (j + 0.5) * width / gx;
                int p = Math.min(height - 1, (int) cy[c]) * width + Math.min(width - 1, (int) cx[c]);
                System.arraycopy(pixels, p * channels, cc, c * channels, channels);
            }
        }
        double stepY = (double) height / gy;
        double stepX = (double) width / gx;
        double s = Math.max(stepY, stepX);
        int[] label = new int[n];
        double[] dist = new double[n];
        double m2 = compactness * compactness / (s * s);
        for (int iter = 0; iter < 10; iter++) {
            Arrays.fill(dist, Double.POSITIVE_INFINITY);
            for (int c = 0; c < centres; c++) {
                int y0 = Math.max(0, (int) Math.floor(cy[c] - s));
                int y1 = Math.min(height - 1, (int) Math.ceil(cy[c] + s));
                int x0 = Math.max(0, (int) Math.floor(cx[c] - s));
                int x1 = Math.min(width - 1, (int) Math.ceil(cx[c] + s));
                for (int y = y0; y <= y1; y++) {
                    for (int x = x0; x <= x1; x++) {
                        int p = y * width + x;
                        double dc = 0;
                        for (int ch = 0; ch < channels; ch++) {
                            double t = pixels[p * channels + ch] - cc[c * channels + ch];
                            dc += t * t;
                        }
                        double dy = y + 0.5 - cy[c];
                        double dx = x + 0.5 - cx[c];
                        double dd = dc + (dy * dy + dx * dx) * m2;
                        if (dd < dist[p]) {
                            dist[p] = dd;
                            label[p] = c;
                        }
                    }
                }
            }
            double[] sy = new double[centres];
            double[] sx = new double[centres];
            double[] sc = new double[centres * channels];
            int[] cnt = new int[centres];
            for (int p = 0; p < n; p++) {
                int c = label[p];
                cnt[c]++;
                sy[c] += p / width + 0.5;
                sx[c] += p % width + 0.5;
                for (int ch = 0; ch < channels; ch++) {
                    sc[c * channels + ch] += pixels[p * channels + ch];
                }
            }
            for (int c = 0; c < centres; c++) {
                if (cnt[c] > 0) {
                    cy[c] = sy[c] / cnt[c];
                    cx[c] = sx[c] / cnt[c];
                    for (int ch = 0; ch < channels; ch++) {
                        cc[c * channels + ch] = sc[c * channels + ch] / cnt[c];
                    }
                }
            }
        }
        return enforceConnectivity(label, height, width, Math.max(1, n / centres / 4));
    }

    static int[] enforceConnectivity(int[] label, int height, int width, int minSize) {
        int n = label.length;
        int[] out = new int[n];
        Arrays.fill(out, -1);
        int next = 0;
        int[] members = new int[n];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        int[] dy = {-1, 1, 0, 0};
        int[] dx = {0, 0, -1, 1};
        for (int start = 0; start < n; start++) {
            if (out[start] >= 0) {
                continue;
            }
            int adjacent = -1;
            int size = 0;
            out[start] = next;
            queue.add(start);
            while (!queue.isEmpty()) {
                int p = queue.poll();
                members[size++] = p;
                int y = p / width;
                int x = p % width;
                for (int d = 0; d < 4; d++) {
                    int yy = y + dy[d];
                    int xx = x + dx[d];
                    if (yy < 0 || yy >= height || xx < 0 || xx >= width) {
                        continue;
                    }
                    int q = yy * width + xx;
                    if (out[q] < 0 && label[q] == label[start]) {
                        out[q] = next;
                        queue.add(q);
                    } else if (out[q] >= 0 && out[q] != next && adjacent < 0) {
                        adjacent = out[q];
                    }
                }
            }
            if (size < minSize && adjacent >= 0) {
                for (int i = 0; i < size; i++) {
                    out[members[i]] = adjacent;
                }
            } else {
                next++;
            }
        }
        return out;
    }
}
