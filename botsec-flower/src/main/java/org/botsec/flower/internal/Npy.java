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
 * {@code numpy.ndarray}. Reads and writes little-endian float64 and float32 arrays in C order; anything else (object
 * arrays, Fortran order, big-endian, integer dtypes) is refused with the dtype named. Sizes are checked against the
 * byte count before anything is allocated.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** A decoded array: values in C order, its shape and its Flower dtype name ({@code float64}/{@code float32}). */
    public record Decoded(double[] values, int[] shape, String dtype) {
        public Decoded {
            values = values.clone();
            shape = shape.clone();
        }

        @Override
        public double[] values() {
            return values.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
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

    /** Encodes {@code values} (C order) as an .npy 1.0 file of {@code dtype} float64 or float32. */
    public static byte[] write(double[] values, int[] shape, String dtype) {
        if (elements(shape) != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + values.length
                    + " values");
        }
        int width = width(dtype);
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            dims.append(shape[i]).append(shape.length == 1 ? "," : (i + 1 < shape.length ? ", " : ""));
        }
        String dict = "{'descr': '<" + (width == 8 ? "f8" : "f4") + "', 'fortran_order': False, 'shape': (" + dims
                + "), }";
        // numpy (1.24+) leaves room to grow the first axis in place, then pads with spaces and a final '\n' so the
        // data starts on a 64-byte boundary (a whole extra 64 when already aligned): the same bytes as np.save
        if (shape.length > 0) {
            dict += " ".repeat(Math.max(0, 21 - String.valueOf(shape[0]).length()));
        }
        int headerLength = dict.length() + 1;
        int pad = 64 - ((MAGIC.length + 2 + 2 + headerLength) % 64);
        String header = dict + " ".repeat(pad) + "\n";
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 4 + h.length + values.length * width)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) h.length).put(h);
        for (double v : values) {
            if (width == 8) {
                out.putDouble(v);
            } else {
                out.putFloat((float) v);
            }
        }
        return out.array();
    }

    /**
     * Decodes an .npy file holding at most {@code maxElements} values.
     *
     * @throws BadInputException naming what is wrong (magic, version, dtype, order, shape, length)
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
        String dtype = switch (descr) {
            case "<f8" -> "float64";
            case "<f4" -> "float32";
            default -> throw BadInputException.of("array dtype '%s' is not supported (little-endian float64 or "
                    + "float32 only)", descr);
        };
        if (f.group(1).equals("True")) {
            throw new BadInputException("array data: Fortran-ordered arrays are not supported");
        }
        String dims = s.group(1).trim();
        int[] shape;
        if (dims.isEmpty()) {
            shape = new int[0];
        } else {
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
            shape = Arrays.copyOf(tmp, count);
        }
        long n = elements(shape);
        if (n < 0 || n > maxElements) {
            throw BadInputException.of("array shape %s exceeds the limit of %d values", Arrays.toString(shape),
                    maxElements);
        }
        int width = width(dtype);
        long dataStart = start + headerLength;
        if (npy.length - dataStart != n * width) {
            throw BadInputException.of("array data: shape %s needs %d bytes, the file has %d",
                    Arrays.toString(shape), n * width, npy.length - dataStart);
        }
        double[] values = new double[(int) n];
        b.position((int) dataStart);
        for (int i = 0; i < values.length; i++) {
            values[i] = width == 8 ? b.getDouble() : b.getFloat();
        }
        return new Decoded(values, shape, dtype);
    }

    private static int width(String dtype) {
        return switch (dtype) {
            case "float64" -> 8;
            case "float32" -> 4;
            default -> throw new IllegalArgumentException("dtype must be float64 or float32, got " + dtype);
        };
    }
}
