package org.botsec.core.data;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.botsec.core.BadInputException;
import org.botsec.core.data.internal.Sources;
import org.botsec.core.linalg.Matrix;

/**
 * Reads image data in the IDX format of MNIST (Y. LeCun et al.): an images file (magic 2051 = unsigned bytes,
 * 3 dimensions, big-endian int32 count, rows, columns, then the pixels row-major) and a labels file (magic 2049,
 * count, one byte per label). Files may be gzip-compressed (detected by their magic bytes). Pixels are scaled
 * to [0, 1] as value/255; features are named {@code p0..p(rows·cols−1)}.
 *
 * <p>Sizes are validated before large allocations: dimensions must be positive, at most {@value #MAX_SIDE}
 * per side and {@value #MAX_PIXELS} pixels in total, and the files must hold exactly the number of bytes their
 * headers claim. {@link Dataset#sha256()} is the SHA-256 of the two files' raw-byte SHA-256 digests (32 bytes for
 * the images file, then 32 for the labels file). Stateless and thread-safe.
 */
public final class IdxReader {
    /** Largest image side. */
    public static final int MAX_SIDE = 4096;
    /** Largest total number of pixels (count × rows × cols). */
    public static final long MAX_PIXELS = 200_000_000L;

    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {
    }

    /** Reads an images and a labels file from disk. */
    public static Dataset read(Path images, Path labels, List<String> classNames) {
        try (InputStream im = Sources.open(images, "IDX images file");
             InputStream lb = Sources.open(labels, "IDX labels file")) {
            return read(im, lb, classNames);
        } catch (IOException e) {
            throw Sources.ioFailure(images + " / " + labels, e);
        }
    }

    /**
     * Reads images and labels from streams (each read to its end, then closed).
     *
     * @param classNames names of the classes by label value, or null for {@code "0".."max label"}
     */
    public static Dataset read(InputStream imagesGz, InputStream labelsGz, List<String> classNames) {
        MessageDigest digest = Sources.sha256();
        Matrix x;
        int rows;
        int cols;
        String imagesName = "IDX images";
        String labelsName = "IDX labels";
        try (Sources.Hashed src = Sources.Hashed.of(imagesGz, imagesName)) {
            DataInputStream in = new DataInputStream(src.content());
            int magic = header(in, imagesName);
            if (magic != IMAGES_MAGIC) {
                throw BadInputException.of("%s: magic number %d is not 2051 (unsigned-byte images, 3 dimensions)",
                        imagesName, magic);
            }
            int n = header(in, imagesName);
            rows = header(in, imagesName);
            cols = header(in, imagesName);
            if (n <= 0 || rows <= 0 || cols <= 0 || rows > MAX_SIDE || cols > MAX_SIDE) {
                throw BadInputException.of("%s: implausible dimensions %d x %d x %d", imagesName, n, rows, cols);
            }
            long pixels = (long) n * rows * cols;
            if (pixels > MAX_PIXELS) {
                throw BadInputException.of("%s: %d x %d x %d = %d pixels exceeds the limit of %d", imagesName, n,
                        rows, cols, pixels, MAX_PIXELS);
            }
            // Read the bytes before allocating the (8x larger) double matrix, so a lying header costs nothing.
            byte[] bytes = readExactly(in, (int) pixels, imagesName);
            if (in.read() >= 0) {
                throw BadInputException.of("%s: more bytes than the header's %d x %d x %d images", imagesName, n,
                        rows, cols);
            }
            double[] values = new double[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                values[i] = (bytes[i] & 0xff) / 255.0;
            }
            x = new Matrix(n, rows * cols, values);
            digest.update(java.util.HexFormat.of().parseHex(src.finish()));
        } catch (IOException e) {
            throw Sources.ioFailure(imagesName, e);
        }
        int[] y;
        String labelsSha;
        try (Sources.Hashed src = Sources.Hashed.of(labelsGz, labelsName)) {
            DataInputStream in = new DataInputStream(src.content());
            int magic = header(in, labelsName);
            if (magic != LABELS_MAGIC) {
                throw BadInputException.of("%s: magic number %d is not 2049 (unsigned-byte labels)", labelsName,
                        magic);
            }
            int n = header(in, labelsName);
            if (n != x.rows()) {
                throw BadInputException.of("%s: %d labels but %d images", labelsName, n, x.rows());
            }
            byte[] bytes = readExactly(in, n, labelsName);
            if (in.read() >= 0) {
                throw BadInputException.of("%s: more bytes than the header's %d labels", labelsName, n);
            }
            y = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = bytes[i] & 0xff;
            }
            labelsSha = src.finish();
        } catch (IOException e) {
            throw Sources.ioFailure(labelsName, e);
        }
        int maxLabel = 0;
        for (int v : y) {
            maxLabel = Math.max(maxLabel, v);
        }
        List<String> names = classNames;
        if (names == null) {
            names = new ArrayList<>();
            for (int c = 0; c <= maxLabel; c++) {
                names.add(Integer.toString(c));
            }
        } else if (maxLabel >= names.size()) {
            throw BadInputException.of("%s: label %d but only %d classes are named", labelsName, maxLabel,
                    names.size());
        }
        digest.update(java.util.HexFormat.of().parseHex(labelsSha));
        List<String> featureNames = new ArrayList<>(rows * cols);
        for (int j = 0; j < rows * cols; j++) {
            featureNames.add("p" + j);
        }
        return new Dataset(x, y, featureNames, names, Sources.hex(digest.digest()));
    }

    private static int header(DataInputStream in, String name) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw BadInputException.of("%s: file ends inside its header", name);
        }
    }

    private static byte[] readExactly(InputStream in, int count, String name) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(count, 1 << 20));
        byte[] buf = new byte[1 << 16];
        int left = count;
        while (left > 0) {
            int r = in.read(buf, 0, Math.min(buf.length, left));
            if (r < 0) {
                throw BadInputException.of("%s: file ends after %d of the %d bytes its header claims", name,
                        count - left, count);
            }
            out.write(buf, 0, r);
            left -= r;
        }
        return out.toByteArray();
    }
}
