package org.botsec.spark.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.botsec.guard.Direction;
import org.botsec.guard.GuardFindings;
import org.botsec.guard.GuardPipeline;
import org.botsec.guard.Verdict;

/**
 * Scans one partition: builds the guard once from the shipped policy bytes (or the default policy), then
 * appends verdict, findings JSON and the text to pass on to every row. Only bytes, an enum and an int are
 * serialised with the closure.
 */
public final class GuardPartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final byte[] policy;      // empty: the default policy
    private final String policySuffix;
    private final Direction direction;
    private final int column;

    public GuardPartition(byte[] policy, String policySuffix, Direction direction, int column) {
        this.policy = policy.clone();
        this.policySuffix = policySuffix;
        this.direction = direction;
        this.column = column;
    }

    /** The guard these bytes describe; also called on the driver so a bad policy fails before any job runs. */
    public static GuardPipeline build(byte[] policy, String suffix) {
        return policy.length == 0 ? GuardPipeline.defaults()
                : Bytes.loadViaTempFile(policy, suffix, GuardPipeline::fromPolicy);
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        GuardPipeline guard = build(policy, policySuffix);
        ObjectMapper json = new ObjectMapper();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                Row r = rows.next();
                Object[] out = new Object[r.length() + 3];
                for (int i = 0; i < r.length(); i++) {
                    out[i] = r.get(i);
                }
                if (!r.isNullAt(column)) {
                    String[] cols = scanColumns(guard, json, r.getString(column), direction);
                    System.arraycopy(cols, 0, out, r.length(), 3);
                }
                return RowFactory.create(out);
            }
        };
    }

    /** Verdict name, findings as a JSON array ({@link GuardFindings#toJson} each), text to pass on. */
    public static String[] scanColumns(GuardPipeline guard, ObjectMapper json, String text, Direction direction) {
        Verdict v = guard.scan(text, direction);
        List<Map<String, Object>> findings = v.findings().stream().map(GuardFindings::toJson).toList();
        try {
            return new String[] {v.action().name().toLowerCase(Locale.ROOT), json.writeValueAsString(findings), v.text()};
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("findings not serialisable as JSON", e);
        }
    }
}
