package org.botsec.guard;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The guard depends on botsec-base only, so that guard, gateway and LangChain4j users do not get matrices, BLAS and
 * CSV parsing: none of botsec-core's classes, netlib BLAS or Commons CSV may be on the guard's test class path.
 */
class LightDependenciesTest {
    @Test
    void coreBlasAndCsvAreNotOnTheClassPath() {
        for (String c : new String[] {"org.botsec.core.linalg.Matrix", "dev.ludovic.netlib.blas.BLAS",
                "org.apache.commons.csv.CSVParser"}) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(c), c);
        }
    }
}
