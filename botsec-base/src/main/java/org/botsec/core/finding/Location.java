package org.botsec.core.finding;

import java.util.List;
import java.util.Objects;

/** Where a {@link Finding} applies: a span of a scanned text, rows of a data set, or an artefact such as a model file. */
public sealed interface Location permits Location.TextSpan, Location.DataRows, Location.Artifact {

    /**
     * A span of a scanned text.
     *
     * @param start UTF-16 index, inclusive
     * @param end   UTF-16 index, exclusive
     */
    record TextSpan(int start, int end) implements Location {
        public TextSpan {
            if (start < 0 || end < start) {
                throw new IllegalArgumentException("text span must have 0 <= start <= end, got [" + start + ", " + end + ")");
            }
        }
    }

    /**
     * Rows of a data set (0-based), e.g. training rows a poisoning detector flags.
     *
     * @param dataset the data set's name or path
     * @param rows    the row indices, copied
     */
    record DataRows(String dataset, List<Integer> rows) implements Location {
        public DataRows {
            Objects.requireNonNull(dataset, "dataset");
            rows = List.copyOf(rows);
        }
    }

    /**
     * A file or other artefact, e.g. the model file an attack was run against.
     *
     * @param uri path or URI of the artefact
     */
    record Artifact(String uri) implements Location {
        public Artifact {
            Objects.requireNonNull(uri, "uri");
        }
    }
}
