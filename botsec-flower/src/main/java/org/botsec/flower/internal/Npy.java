package org.botsec.flower.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.botsec.core.BadInputException;

/**
 * NumPy's {@code .npy} format (format versions 1.0–3.0), the bytes inside a Flower {@code Array} whose stype is
 * {@code numpy.ndarray}. Reads little-endian float64, float32, int64 and int32 arrays in C or Fortran order (NumPy
 * saves a Fortran-contiguous array, e.g. a transpose, in Fortran order; it is reordered to C order here) and writes C
 * order; anything else (object arrays, big-endian, bool, float16, unsigned or other widths) is refused with the dtype
 * named. Sizes are checked against the byte count before anything is allocated.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** A decoded array: its dtype, shape and element bytes (little-endian, C order). */
    public record Decoded(NpyDtype dtype, int[] shape, byte[] data) {
        public Decoded {
            shape = shape.clone();
            data = data.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        /** The values as doubles (int64 beyond ±2^53 rounds to the nearest double). */
        public double[] values() {
            return toDoubles(dtype, data);
        }
    }

    private Npy() {
    }

    /** The element count of {@code shape} (1 for a scalar), or -1 when it overflows an int. */
    public static long elements(int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) {
                return -1;
            }
            n *= s;
            if (n > Integer.MAX_VALUE) {
                return -1;
            }
        }
        return n;
    }

    /** Encodes doubles as an .npy 1.0 file of a float dtype (float64 or float32). */
    public static byte[] write(double[] values, int[] shape, String dtype) {
        NpyDtype d = NpyDtype.ofFlowerName(dtype).filter(NpyDtype::floating)
                .orElseThrow(() -> new IllegalArgumentException("dtype must be float64 or float32, got " + dtype));
        return write(d, shape, fromDoubles(d, values));
    }

    /**
     * Encodes element bytes (little-endian, C order) as an .npy 1.0 file: the same bytes as NumPy's {@code np.save}
     * of a C-contiguous array.
     */
    public static byte[] write(NpyDtype dtype, int[] shape, byte[] data) {
        if (elements(shape) < 0 || elements(shape) * dtype.width() != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of " + dtype.flowerName()
                    + " does not hold " + data.length + " bytes");
        }
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            dims.append(shape[i]).append(shape.length == 1 ? "," : (i + 1 < shape.length ? ", " : ""));
        }
        String dict = "{'descr': '" + dtype.descr() + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        // numpy (1.24+) leaves room to grow the first axis in place, then pads with spaces and a final '\n' so the
        // data starts on a 64-byte boundary (a whole extra 64 when already aligned): the same bytes as np.save
        if (shape.length > 0) {
            dict += " ".repeat(Math.max(0, 21 - String.valueOf(shape[0]).length()));
        }
        int headerLength = dict.length() + 1;
        int pad = 64 - ((MAGIC.length + 2 + 2 + headerLength) % 64);
        String header = dict + " ".repeat(pad) + "\n";
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 4 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) h.length).put(h).put(data);
        return out.array();
    }

    /**
     * Decodes an .npy file holding at most {@code maxElements} values.
     *
     * @throws BadInputException naming what is wrong (magic, version, dtype, shape, length)
     */
    public static Decoded read(byte[] npy, long maxElements) {
        if (npy.length < 10 || !Arrays.equals(Arrays.copyOf(npy, 6), MAGIC)) {
            throw new BadInputException("array data is not a NumPy .npy file (bad magic)");
        }
        int major = npy[6] & 0xff;
        ByteBuffer b = ByteBuffer.wrap(npy).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength;
        int start;
        if (major == 1) {
            headerLength = b.getShort(8) & 0xffff;
            start = 10;
        } else if (major == 2 || major == 3) {
            if (npy.length < 12) {
                throw new BadInputException("array data: truncated .npy header");
            }
            headerLength = b.getInt(8) & 0xffffffffL;
            start = 12;
        } else {
            throw BadInputException.of("array data: .npy format version %d is not supported (1-3)", major);
        }
        if (start + headerLength > npy.length) {
            throw BadInputException.of("array data: .npy header of %d bytes runs past the end (%d bytes)",
                    headerLength, npy.length);
        }
        String header = new String(npy, start, (int) headerLength,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new BadInputException("array data: .npy header lacks descr, fortran_order or shape");
        }
        String descr = d.group(1);
        NpyDtype dtype = NpyDtype.ofDescr(descr).orElseThrow(() -> BadInputException.of(
                "array dtype '%s' is not supported (little-endian %s only)", descr, NpyDtype.supported()));
        boolean fortran = f.group(1).equals("True");
        int[] shape = parseShape(s.group(1).trim());
        long n = elements(shape);
        if (n < 0 || n > maxElements) {
            throw BadInputException.of("array shape %s exceeds the limit of %d values", Arrays.toString(shape),
                    maxElements);
        }
        long dataStart = start + headerLength;
        if (npy.length - dataStart != n * dtype.width()) {
            throw BadInputException.of("array data: shape %s of %s needs %d bytes, the file has %d",
                    Arrays.toString(shape), dtype.flowerName(), n * dtype.width(), npy.length - dataStart);
        }
        byte[] data = Arrays.copyOfRange(npy, (int) dataStart, npy.length);
        if (fortran && shape.length > 1) {
            data = fortranToC(data, shape, dtype.width());
        }
        return new Decoded(dtype, shape, data);
    }

    private static int[] parseShape(String dims) {
        if (dims.isEmpty()) {
            return new int[0];
        }
        String[] parts = dims.split(",");
        int count = 0;
        int[] tmp = new int[parts.length];
        for (String p : parts) {
            String t = p.trim();
            if (t.isEmpty()) {
                continue;
            }
            try {
                tmp[count++] = Integer.parseInt(t);
            } catch (NumberFormatException e) {
                throw BadInputException.of("array data: shape entry '%s' is not an integer", t);
            }
        }
        return Arrays.copyOf(tmp, count);
    }

    /** Column-major element bytes to row-major: element (i0..ik) sits at Σ i_j · Π_{l<j} d_l in Fortran order. */
    static byte[] fortranToC(byte[] data, int[] shape, int width) {
        byte[] out = new byte[data.length];
        int k = shape.length;
        int[] fStride = new int[k];
        int st = 1;
        for (int j = 0; j < k; j++) {
            fStride[j] = st;
            st *= shape[j];
        }
        int[] idx = new int[k];
        int n = data.length / width;
        for (int c = 0; c < n; c++) {
            int fOffset = 0;
            for (int j = 0; j < k; j++) {
                fOffset += idx[j] * fStride[j];
            }
            System.arraycopy(data, fOffset * width, out, c * width, width);
            for (int j = k - 1; j >= 0; j--) { // next C-order index: the last axis moves fastest
                if (++idx[j] < shape[j]) {
                    break;
                }
                idx[j] = 0;
            }
        }
        return out;
    }

    /** Element bytes to doubles (int64 beyond ±2^53 rounds to the nearest double). */
    public static double[] toDoubles(NpyDtype dtype, byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        double[] v = new double[data.length / dtype.width()];
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (dtype) {
                case FLOAT64 -> b.getDouble();
                case FLOAT32 -> b.getFloat();
                case INT64 -> b.getLong();
                case INT32 -> b.getInt();
            };
        }
        return v;
    }

    /** Element bytes of an integer dtype to longs (exact). */
    public static long[] toLongs(NpyDtype dtype, byte[] data) {
        if (dtype.floating()) {
            throw new IllegalArgumentException(dtype.flowerName() + " is not an integer dtype");
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        long[] v = new long[data.length / dtype.width()];
        for (int i = 0; i < v.length; i++) {
            v[i] = dtype == NpyDtype.INT64 ? b.getLong() : b.getInt();
        }
        return v;
    }

    /** Doubles to element bytes; an integer dtype takes only whole values within its range. */
    public static byte[] fromDoubles(NpyDtype dtype, double[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * dtype.width()).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            switch (dtype) {
                case FLOAT64 -> b.putDouble(v);
                case FLOAT32 -> b.putFloat((float) v);
                case INT64 -> {
                    if (v != Math.rint(v) || v < -0x1p63 || v >= 0x1p63) {
                        throw new IllegalArgumentException("int64 cannot hold " + v);
                    }
                    b.putLong((long) v);
                }
                case INT32 -> {
                    if (v != Math.rint(v) || v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                        throw new IllegalArgumentException("int32 cannot hold " + v);
                    }
                    b.putInt((int) v);
                }
            }
        }
        return b.array();
    }

    /** Longs to element bytes of an integer dtype (int32 checks the range). */
    public static byte[] fromLongs(NpyDtype dtype, long[] values) {
        if (dtype.floating()) {
            throw new IllegalArgumentException(dtype.flowerName() + " is not an integer dtype");
        }
        ByteBuffer b = ByteBuffer.allocate(values.length * dtype.width()).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            if (dtype == NpyDtype.INT64) {
                b.putLong(v);
            } else {
                if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("int32 cannot hold " + v);
                }
                b.putInt((int) v);
            }
        }
        return b.array();
    }
}
