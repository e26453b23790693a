package org.botsec.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.botsec.core.BadInputException;
import org.botsec.guard.Direction;
import org.botsec.spark.internal.GuardPartition;

/**
 * Guard scanning of a text column, as {@code botsec guard scan} does for one message, on every row of a
 * DataFrame. Adds three string columns: {@value #VERDICT} ({@code allow}, {@code redact} or {@code block}),
 * {@value #FINDINGS} (a JSON array, each element the shape of {@code botsec guard scan --json}'s findings) and
 * {@value #TEXT} (the text to pass on: redacted, or empty for a block). A null text gives null in all three.
 *
 * <p>The policy travels as the policy file's bytes; each partition parses it once.
 */
public final class SparkGuard {
    public static final String VERDICT = "guard_verdict";
    public static final String FINDINGS = "guard_findings";
    public static final String TEXT = "guard_text";
    /** Largest policy file accepted. */
    public static final long MAX_POLICY_BYTES = 1L << 20;

    private final byte[] policy;
    private final String suffix;
    private final Direction direction;

    private SparkGuard(byte[] policy, String suffix, Direction direction) {
        this.policy = policy;
        this.suffix = suffix;
        this.direction = direction;
        GuardPartition.build(policy, suffix); // a bad policy fails here, on the driver, with its one-line message
    }

    /** The default policy of {@code GuardPipeline.defaults()}. */
    public static SparkGuard defaults(Direction direction) {
        return new SparkGuard(new byte[0], ".yaml", direction);
    }

    /** A policy file (YAML, or JSON by its {@code .json} extension), read once here and shipped as bytes. */
    public static SparkGuard fromPolicy(Path policyFile, Direction direction) {
        try {
            long size = Files.size(policyFile);
            if (size > MAX_POLICY_BYTES) {
                throw BadInputException.of("policy file %s is %d bytes, over the %d-byte limit", policyFile, size, MAX_POLICY_BYTES);
            }
            String name = policyFile.getFileName().toString().toLowerCase(Locale.ROOT);
            return new SparkGuard(Files.readAllBytes(policyFile), name.endsWith(".json") ? ".json" : ".yaml", direction);
        } catch (IOException e) {
            throw BadInputException.of("cannot read policy file %s: %s", policyFile, e.getMessage());
        }
    }

    /** Either of the above. */
    public static SparkGuard of(Optional<Path> policyFile, Direction direction) {
        return policyFile.map(p -> fromPolicy(p, direction)).orElseGet(() -> defaults(direction));
    }

    /** {@code df} with the three guard columns appended; lazy, like any transformation. */
    public Dataset<Row> scan(Dataset<Row> df, String column) {
        StructType schema = df.schema();
        List<String> names = Arrays.asList(schema.fieldNames());
        int idx = names.indexOf(column);
        if (idx < 0) {
            throw BadInputException.of("column '%s' not found; the input has columns %s", column, names);
        }
        if (!(schema.fields()[idx].dataType() instanceof StringType)) {
            throw BadInputException.of("column '%s' must be text, got %s", column, schema.fields()[idx].dataType().simpleString());
        }
        for (String out : List.of(VERDICT, FINDINGS, TEXT)) {
            if (names.contains(out)) {
                throw BadInputException.of("the input already has a column '%s'; rename it first", out);
            }
        }
        StructType outSchema = schema
                .add(new StructField(VERDICT, DataTypes.StringType, true, org.apache.spark.sql.types.Metadata.empty()))
                .add(new StructField(FINDINGS, DataTypes.StringType, true, org.apache.spark.sql.types.Metadata.empty()))
                .add(new StructField(TEXT, DataTypes.StringType, true, org.apache.spark.sql.types.Metadata.empty()));
        return df.mapPartitions(new GuardPartition(policy, suffix, direction, idx), Encoders.row(outSchema));
    }
}
