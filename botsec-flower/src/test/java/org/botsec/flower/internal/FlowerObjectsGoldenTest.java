package org.botsec.flower.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.botsec.core.BadInputException;
import org.botsec.flower.internal.FlowerRecords.FlowerArray;
import org.botsec.flower.internal.proto.Metadata;
import org.botsec.flower.internal.proto.ObjectTree;
import org.junit.jupiter.api.Test;

/**
 * Object IDs against Flower itself. The golden IDs were printed by Flower 1.23.0 (Python, with NumPy 1.24.2) for
 * {@code Array.from_numpy_ndarray(np.arange(6.0).reshape(2, 3))}, {@code ArrayRecord([that, np.array([0.5, -1.25])])},
 * {@code MetricRecord({"train_loss": 0.5, "num-examples": 10})} and the {@code RecordDict} of both under
 * {@code "arrays"} and {@code "metrics"}: the same content must give the same IDs, or the two sides would store the
 * same arrays twice and disagree on what a message contains.
 */
class FlowerObjectsGoldenTest {
    static final String NPY_SHA256 = "8cc97358caab52235176ec3a51d735d7ff7465b525d3849bad2d98c86c98d47d";
    static final String CHUNK = "c2965327459f990859ce9e73c9d0fb79cdbfc1e113e4f3908ea6442bbb6149da";
    static final String ARRAY = "0598837728cabfae7fb703880627e0db1dea73d3240655e559cc99d75736b393";
    static final String ARRAY_RECORD = "462a0d2fb9bd516d54381e8ea89a51982a9f3b9aeb2c5d95357146b35e6be35f";
    static final String METRIC_RECORD = "7f39a15b765f4b52acda916b1a68b0565a49c0cdac55c9f731f32e6c7e983f4e";
    static final String RECORD_DICT = "3931d1a17d337a4ac4c96a1f6a23e15a40db6ba6a3c58bf6f100b0abb21b7356";

    @Test
    void npyBytesAreNumpys() {
        byte[] npy = Npy.write(new double[] {0, 1, 2, 3, 4, 5}, new int[] {2, 3}, "float64");
        assertEquals(176, npy.length);
        assertEquals(NPY_SHA256, ObjectContent.sha256Hex(npy));
        Npy.Decoded d = Npy.read(npy, 100);
        assertArrayEquals(new int[] {2, 3}, d.shape());
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5}, d.values());
    }

    @Test
    void recordIdsEqualFlowers() {
        Map<String, FlowerArray> arrays = new LinkedHashMap<>();
        arrays.put("0", FlowerArray.ofDoubles(NpyDtype.FLOAT64, new int[] {2, 3}, new double[] {0, 1, 2, 3, 4, 5}));
        arrays.put("1", FlowerArray.ofDoubles(NpyDtype.FLOAT64, new int[] {2}, new double[] {0.5, -1.25}));
        Map<String, Number> metrics = new LinkedHashMap<>();
        metrics.put("train_loss", 0.5);
        metrics.put("num-examples", 10);
        FlowerRecords.Encoded e = FlowerRecords.encode(Metadata.newBuilder().setRunId(1).build(), Optional.empty(),
                Map.of("arrays", arrays), Map.of("metrics", metrics));
        ObjectTree rd = e.tree().getChildren(0);
        assertEquals(RECORD_DICT, rd.getObjectId());
        assertEquals(ARRAY_RECORD, rd.getChildren(0).getObjectId());
        assertEquals(METRIC_RECORD, rd.getChildren(1).getObjectId());
        assertEquals(ARRAY, rd.getChildren(0).getChildren(0).getObjectId());
        assertEquals(CHUNK, rd.getChildren(0).getChildren(0).getChildren(0).getObjectId());
        for (Map.Entry<String, byte[]> o : e.objects().entrySet()) {
            assertEquals(o.getKey(), ObjectContent.sha256Hex(o.getValue()));
        }
    }

    @Test
    void pulledContentIsCheckedBeforeUse() {
        byte[] ok = new ObjectContent("ArrayChunk", List.of(), new byte[] {1, 2, 3}).encode();
        String id = ObjectContent.sha256Hex(ok);
        assertEquals("ArrayChunk  3", new String(ok, 0, 13, StandardCharsets.UTF_8));
        assertEquals(3, ObjectContent.parse(id, ok, 10).body().length);
        byte[] flipped = ok.clone();
        flipped[flipped.length - 1] ^= 1;
        assertTrue(assertThrows(BadInputException.class, () -> ObjectContent.parse(id, flipped, 10)).getMessage()
                .contains("hashes to"));
        assertTrue(assertThrows(BadInputException.class, () -> ObjectContent.parse(id, ok, 2)).getMessage()
                .contains("exceeds the limit of 2 bytes"));
        byte[] lying = "ArrayChunk  5\0abc".getBytes(StandardCharsets.UTF_8);
        assertTrue(assertThrows(BadInputException.class,
                () -> ObjectContent.parse(ObjectContent.sha256Hex(lying), lying, 10)).getMessage()
                .contains("states a 5-byte body"));
        byte[] foreign = "Pickle  1\0x".getBytes(StandardCharsets.UTF_8);
        assertTrue(assertThrows(BadInputException.class,
                () -> ObjectContent.parse(ObjectContent.sha256Hex(foreign), foreign, 10)).getMessage()
                .contains("unsupported object type 'Pickle'"));
    }

    @Test
    void npyReaderRefusesWhatItCannotRepresent() {
        byte[] f8 = Npy.write(new double[] {1, 2}, new int[] {2}, "float64");
        String header = new String(f8, 10, f8.length - 26, StandardCharsets.ISO_8859_1);
        byte[] object = f8.clone();
        byte[] o = header.replace("<f8", "|O ").getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(o, 0, object, 10, o.length);
        assertTrue(assertThrows(BadInputException.class, () -> Npy.read(object, 10)).getMessage()
                .contains("'|O '"));
        assertTrue(assertThrows(BadInputException.class, () -> Npy.read(f8, 1)).getMessage()
                .contains("exceeds the limit of 1 values"));
        byte[] f4 = Npy.write(new double[] {0.5, -2}, new int[] {1, 2}, "float32");
        assertArrayEquals(new double[] {0.5, -2}, Npy.read(f4, 10).values());
        assertEquals(NpyDtype.FLOAT32, Npy.read(f4, 10).dtype());
    }
}
