package org.botsec.flower.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.botsec.core.BadInputException;
import org.botsec.flower.internal.FlowerRecords.FlowerArray;
import org.botsec.flower.internal.proto.Metadata;
import org.botsec.flower.internal.proto.ObjectTree;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Arrays of every supported dtype against bytes Flower itself produced: {@code src/test/resources/flower-arrays/}
 * holds {@code Array.from_numpy_ndarray(a).data} of Flower 1.23.0 (NumPy 1.24.2) for values chosen here (extremes of
 * each integer range, -0.0, subnormals, float32 rounding, a Fortran-ordered array, a scalar, an empty and a 3-D
 * array), and {@code golden.json} the values in C order, the Array object ID and chunk IDs Flower computed, and the
 * ID of an ArrayRecord of four dtypes (README there).
 */
class FlowerArraysGoldenTest {
    static JsonNode golden;

    static JsonNode golden() throws IOException {
        if (golden == null) {
            try (InputStream in = FlowerArraysGoldenTest.class.getResourceAsStream("/flower-arrays/golden.json")) {
                golden = new ObjectMapper().readTree(in);
            }
        }
        return golden;
    }

    static byte[] npy(String name) throws IOException {
        try (InputStream in = FlowerArraysGoldenTest.class.getResourceAsStream("/flower-arrays/" + name + ".npy")) {
            return in.readAllBytes();
        }
    }

    static int[] shape(JsonNode g) {
        int[] s = new int[g.path("shape").size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = g.path("shape").get(i).asInt();
        }
        return s;
    }

    @ParameterizedTest
    @ValueSource(strings = {"float64_2x3", "float32_4", "int32_2x2", "int64_3", "int32_fortran_2x3", "float64_scalar",
        "float64_empty", "float64_2x2x2"})
    void flowersBytesDecodeToTheValuesItWasGiven(String name) throws IOException {
        JsonNode g = golden().path("arrays").path(name);
        Npy.Decoded d = Npy.read(npy(name), 1000);
        assertEquals(g.path("dtype").asText(), d.dtype().flowerName());
        assertArrayEquals(shape(g), d.shape());
        JsonNode values = g.path("values_c_order");
        FlowerArray a = new FlowerArray(d.dtype(), d.shape(), d.data());
        assertEquals(values.size(), a.size());
        if (d.dtype().floating()) {
            double[] v = a.values();
            for (int i = 0; i < v.length; i++) {
                // bit-exact: -0.0, subnormals and float32 rounding must survive
                assertEquals(Double.doubleToRawLongBits(values.get(i).asDouble()), Double.doubleToRawLongBits(v[i]),
                        name + " value " + i);
            }
        } else {
            long[] v = a.longValues();
            for (int i = 0; i < v.length; i++) {
                assertEquals(values.get(i).asLong(), v[i], name + " value " + i);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"float64_2x3", "float32_4", "int32_2x2", "int64_3", "float64_scalar", "float64_empty",
        "float64_2x2x2"})
    void reEncodingGivesFlowersBytesAndObjectIds(String name) throws IOException {
        JsonNode g = golden().path("arrays").path(name);
        Npy.Decoded d = Npy.read(npy(name), 1000);
        assertArrayEquals(npy(name), Npy.write(d.dtype(), d.shape(), d.data()));
        Map<String, FlowerArray> rec = new LinkedHashMap<>();
        rec.put("a", new FlowerArray(d.dtype(), d.shape(), d.data()));
        ObjectTree array = FlowerRecords.encode(Metadata.getDefaultInstance(), Optional.empty(), Map.of("r", rec),
                Map.of()).tree().getChildren(0).getChildren(0).getChildren(0);
        assertEquals(g.path("array_object_id").asText(), array.getObjectId());
        assertEquals(g.path("chunk_ids").get(0).asText(), array.getChildren(0).getObjectId());
    }

    @Test
    void aFortranOrderedArrayIsReorderedToCOrder() throws IOException {
        // Flower's bytes hold 0 3 1 4 2 5 (column-major); the values in C order are 0..5
        Npy.Decoded d = Npy.read(npy("int32_fortran_2x3"), 100);
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5}, Npy.toLongs(d.dtype(), d.data()));
        byte[] raw = npy("int32_fortran_2x3");
        assertEquals(3, raw[raw.length - 20], "the file itself is column-major");
    }

    @Test
    void anArrayRecordOfFourDtypesHasFlowersId() throws IOException {
        Map<String, FlowerArray> rec = new LinkedHashMap<>();
        for (String[] e : List.of(new String[] {"f64", "float64_2x3"}, new String[] {"i64", "int64_3"},
                new String[] {"i32", "int32_2x2"}, new String[] {"f32", "float32_4"})) {
            Npy.Decoded d = Npy.read(npy(e[1]), 100);
            rec.put(e[0], new FlowerArray(d.dtype(), d.shape(), d.data()));
        }
        ObjectTree ar = FlowerRecords.encode(Metadata.getDefaultInstance(), Optional.empty(), Map.of("r", rec),
                Map.of()).tree().getChildren(0).getChildren(0);
        assertEquals(golden().path("mixed_array_record_id").asText(), ar.getObjectId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bool_3:|b1", "float16_2:<f2", "uint8_2:|u1"})
    void otherDtypesFlowerSendsAreRefusedByName(String spec) throws IOException {
        String[] p = spec.split(":");
        BadInputException e = assertThrows(BadInputException.class, () -> Npy.read(npy(p[0]), 100));
        assertTrue(e.getMessage().contains("'" + p[1] + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("float64, float32, int64, int32"), e.getMessage());
    }

    @Test
    void integerArraysTakeOnlyWholeValuesInRange() {
        assertThrows(IllegalArgumentException.class,
                () -> FlowerArray.ofDoubles(NpyDtype.INT32, new int[] {1}, new double[] {0.5}));
        assertThrows(IllegalArgumentException.class,
                () -> FlowerArray.ofLongs(NpyDtype.INT32, new int[] {1}, new long[] {1L << 31}));
        assertThrows(IllegalArgumentException.class,
                () -> new FlowerArray(NpyDtype.INT64, new int[] {2}, new byte[8]));
        long big = (1L << 53) + 1; // not a double: kept exact through longValues
        assertEquals(big, FlowerArray.ofLongs(NpyDtype.INT64, new int[] {1}, new long[] {big}).longValues()[0]);
    }

    @Test
    void aShapeLargerThanItsBytesOrTheLimitIsRefusedBeforeAllocation() throws IOException {
        byte[] i64 = npy("int64_3");
        assertTrue(assertThrows(BadInputException.class, () -> Npy.read(i64, 2)).getMessage()
                .contains("exceeds the limit of 2 values"));
        byte[] shortData = java.util.Arrays.copyOf(i64, i64.length - 8);
        assertTrue(assertThrows(BadInputException.class, () -> Npy.read(shortData, 100)).getMessage()
                .contains("shape [3] of int64 needs 24 bytes, the file has 16"));
    }
}
