package org.botsec.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Label-less reading of features by name and of a text column; expected values are the file's own cells. */
class CsvLoaderFeaturesTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private static void bad(Executable e, String... parts) {
        String msg = assertThrows(BadInputException.class, e).getMessage();
        for (String part : parts) {
            assertTrue(msg.contains(part), () -> "'" + msg + "' should contain '" + part + "'");
        }
        assertEquals(1, msg.lines().count(), msg);
    }

    @Test
    void featuresAreTakenByNameInTheModelsOrder() throws IOException {
        Path csv = write("f.csv", "b,label,a\n2,x,1\n4,y,3.5\n");
        Matrix m = CsvLoader.readFeatures(csv, List.of("a", "b"));
        assertEquals(2, m.rows());
        assertEquals(2, m.cols());
        assertArrayEquals(new double[] {1, 2}, new double[] {m.get(0, 0), m.get(0, 1)});
        assertArrayEquals(new double[] {3.5, 4}, new double[] {m.get(1, 0), m.get(1, 1)});
    }

    @Test
    void badFeatureFilesNameTheProblem() throws IOException {
        bad(() -> CsvLoader.readFeatures(write("m.csv", "a,z\n1,2\n"), List.of("a", "b")),
                "has no column 'b' (the model expects 2 features: a, b)");
        bad(() -> CsvLoader.readFeatures(write("n.csv", "a,b\n1,zz\n"), List.of("a", "b")),
                "data row 1, column 'b': not a number: 'zz'");
        bad(() -> CsvLoader.readFeatures(write("nan.csv", "a,b\n1,2\n1,NaN\n"), List.of("a", "b")),
                "data row 2", "value NaN is not finite", "'NaN'");
        bad(() -> CsvLoader.readFeatures(write("r.csv", "a,b\n1,2\n1\n"), List.of("a", "b")), "data row 2 has 1");
        bad(() -> CsvLoader.readFeatures(write("e.csv", "a,b\n"), List.of("a", "b")), "no data rows");
        bad(() -> CsvLoader.readFeatures(dir.resolve("none.csv"), List.of("a")), "not found", "none.csv");
    }

    @Test
    void textsAreReadWithoutALabel() throws IOException {
        assertEquals(List.of("hello, world", "bye"),
                CsvLoader.readTexts(write("t.csv", "id,text\n1,\"hello, world\"\n2,bye\n")));
        bad(() -> CsvLoader.readTexts(write("t2.csv", "body\nx\n")), "'text' not found", "[body]");
        bad(() -> CsvLoader.readTexts(write("t3.csv", "text\n \n")), "data row 1 has an empty text");
    }
}
