package org.botsec.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.botsec.core.BadInputException;
import org.junit.jupiter.api.Test;

/** {@link TrainRows}: the member set it names is the library's split, and it survives a JSON round trip. */
class TrainRowsTest {
    private static final int[] Y = {0, 1, 0, 1, 1, 0, 0, 1, 1, 1, 0, 0};

    @Test
    void splitIsTheLibrarySplitAndAllIsEveryRow() {
        TrainRows s = TrainRows.stratifiedSplit(0.25, 9);
        assertArrayEquals(Splits.stratified(Y, 0.25, 9)[0], s.split(Y)[0]);
        assertArrayEquals(Splits.stratified(Y, 0.25, 9)[1], s.split(Y)[1]);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, TrainRows.all().split(Y)[0]);
        assertEquals(0, TrainRows.all().split(Y)[1].length);
        assertThrows(IllegalStateException.class, () -> TrainRows.builtinTrainPart().split(Y));
    }

    @Test
    @SuppressWarnings("unchecked")
    void survivesAJsonRoundTripOfTheProvenanceParameters() throws Exception {
        ObjectMapper om = new ObjectMapper();
        for (TrainRows t : List.of(TrainRows.all(), TrainRows.stratifiedSplit(0.2, 42),
                TrainRows.builtinTrainPart())) {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put(TrainRows.PARAMETER, t.toParameters());
            Map<String, Object> back = om.readValue(om.writeValueAsString(params), LinkedHashMap.class);
            assertEquals(Optional.of(t), TrainRows.fromParameters(back));
        }
        assertEquals(Optional.empty(), TrainRows.fromParameters(Map.of()));
    }

    @Test
    void badValuesAreRejected() {
        for (double f : new double[] {0, 1, -0.1, Double.NaN}) {
            BadInputException e = assertThrows(BadInputException.class, () -> TrainRows.stratifiedSplit(f, 1));
            assertTrue(e.getMessage().contains(String.valueOf(f)), e.getMessage());
        }
        assertThrows(BadInputException.class,
                () -> TrainRows.fromParameters(Map.of(TrainRows.PARAMETER, Map.of("selection", "some"))));
        assertThrows(BadInputException.class, () -> TrainRows.fromParameters(
                Map.of(TrainRows.PARAMETER, Map.of("selection", "stratified_split"))));
        assertThrows(BadInputException.class, () -> TrainRows.fromParameters(Map.of(TrainRows.PARAMETER, "all")));
    }
}
