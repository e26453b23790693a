package org.botsec.spark;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.botsec.core.BadInputException;
import org.botsec.guard.Direction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code batch guard|predict|explain}: the batch command, run embedded ({@code --master local[*]}, the default)
 * or through {@code spark-submit --class org.botsec.spark.BatchMain} (see docs/spark.md). Exit 0 on success,
 * 2 for bad input (one line on stderr, nothing written at {@code --output}).
 */
@Command(name = "batch", mixinStandardHelpOptions = true,
        description = "Guard-scan, predict or explain every row of a csv, parquet or jsonl data set on Spark.",
        subcommands = {BatchMain.Guard.class, BatchMain.Predict.class, BatchMain.Explain.class})
public final class BatchMain implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        int code = run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
        SparkSession.getDefaultSession().foreach(s -> {
            s.stop();
            return null;
        });
        System.exit(code);
    }

    /** Runs the command with the given streams; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new BatchMain());
        cl.setOut(out).setErr(err);
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            Throwable t = ex;
            while (t != null && !(t instanceof BadInputException)) {
                t = t.getCause();
            }
            if (t != null) {
                err.println("error: " + BatchIo.firstLine(t.getMessage()));
                err.flush();
                return 2;
            }
            String malformed = malformedRecord(ex);
            if (malformed != null) {
                err.println("error: malformed input record: " + malformed);
                err.flush();
                return 2;
            }
            throw ex;
        });
        return cl.execute(args);
    }

    /**
     * The innermost message of a Spark failure caused by the input itself (a record the CSV/JSON parser rejects in
     * FAILFAST mode), shortened to its first line and 200 characters; null for any other failure. Such a failure
     * surfaces only when the job runs, wrapped in task and stage exceptions, so it is found by Spark's error-class
     * prefix in the cause chain.
     */
    static String malformedRecord(Throwable ex) {
        String found = null;
        for (Throwable t = ex; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.startsWith("[MALFORMED_CSV_RECORD]") || m.startsWith("[MALFORMED_RECORD_IN_PARSING"))) {
                found = m;
            }
        }
        if (found == null) {
            return null;
        }
        String line = BatchIo.firstLine(found);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    /** Options every subcommand shares. */
    static final class Common {
        @Option(names = "--input", required = true, description = "Input file or directory (csv with a header row, parquet, or jsonl).")
        String input;

        @Option(names = "--output", required = true, description = "Output directory to create (Spark writes part files in it); must not exist.")
        String output;

        @Option(names = "--format", description = "Input format: csv, parquet or jsonl (default: from the input's extension).")
        String format;

        @Option(names = "--output-format", description = "Output format (default: from the output's extension, else the input's).")
        String outputFormat;

        @Option(names = "--master", description = "Spark master, e.g. local[*] or spark://host:7077 (default: local[*], "
                + "or the master spark-submit was given).")
        String master;

        @Option(names = "--partitions", description = "Repartition the input into this many partitions first.")
        Integer partitions;

        BatchIo.Format inFormat() {
            return format != null ? BatchIo.Format.parse(format) : BatchIo.Format.ofPath(input);
        }

        BatchIo.Format outFormat(BatchIo.Format in) {
            if (outputFormat != null) {
                return BatchIo.Format.parse(outputFormat);
            }
            try {
                return BatchIo.Format.ofPath(output);
            } catch (BadInputException e) {
                return in;
            }
        }

        /** Validates everything cheap before Spark starts, then runs {@code job} and writes its result. */
        long run(java.util.function.Function<Dataset<Row>, Dataset<Row>> job) {
            return run(job, true);
        }

        /**
         * As {@link #run(java.util.function.Function)}; with {@code repartition} false the job is given the input
         * as read and does any repartitioning itself (explain numbers the rows first).
         */
        long run(java.util.function.Function<Dataset<Row>, Dataset<Row>> job, boolean repartition) {
            BatchIo.Format in = inFormat();
            BatchIo.Format out = outFormat(in);
            if (partitions != null && partitions < 1) {
                throw BadInputException.of("--partitions must be at least 1, got %d", partitions);
            }
            SparkSession spark = session(master);
            Dataset<Row> df = BatchIo.read(spark, input, in);
            if (partitions != null && repartition) {
                df = df.repartition(partitions);
            }
            Dataset<Row> result = job.apply(df).cache();
            BatchIo.write(result, output, out);
            long n = result.count();
            result.unpersist();
            return n;
        }
    }

    /** The session: the given master, else spark-submit's, else {@code local[*]}. */
    static SparkSession session(String master) {
        SparkSession.Builder b = SparkSession.builder().appName("botsec batch").config("spark.ui.enabled", "false");
        if (master != null) {
            b.master(master);
            if (master.startsWith("local")) {
                // embedded: executors are threads of this JVM; do not depend on the host name resolving
                b.config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1");
            }
        } else if (System.getProperty("spark.master") == null) {
            return session("local[*]");
        }
        return b.getOrCreate();
    }

    @Command(name = "guard", mixinStandardHelpOptions = true,
            description = "Scan a text column with the guardrails; adds guard_verdict, guard_findings (JSON) and guard_text.",
            footer = {"", "Examples:",
                    "  batch guard --input chats.csv --output scanned.parquet --column text",
                    "  batch guard --input chats.jsonl --output scanned.jsonl --policy policy.yaml --master local[2]"})
    static final class Guard implements Callable<Integer> {
        @CommandLine.Mixin
        Common common;

        @Option(names = "--column", defaultValue = "text", description = "The text column to scan (default ${DEFAULT-VALUE}).")
        String column;

        @Option(names = "--policy", description = "Policy file (YAML or JSON); without it the default policy applies.")
        Path policy;

        @Option(names = "--direction", defaultValue = "input", description = "input (user to bot) or output (bot to user).")
        String direction;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Direction dir = switch (direction.toLowerCase(Locale.ROOT)) {
                case "input" -> Direction.INPUT;
                case "output" -> Direction.OUTPUT;
                default -> throw BadInputException.of("--direction must be input or output, got %s", direction);
            };
            SparkGuard guard = SparkGuard.of(Optional.ofNullable(policy), dir);
            long n = common.run(df -> guard.scan(df, column));
            spec.commandLine().getOut().printf(Locale.ROOT, "scanned %d rows into %s%n", n, common.output);
            return 0;
        }
    }

    @Command(name = "predict", mixinStandardHelpOptions = true,
            description = "Predict every row with a BotSec model file; adds predicted and prob_<class> columns.",
            footer = {"", "Examples:",
                    "  batch predict --input reviews.csv --output predicted.parquet --model sentiment.safetensors --column text",
                    "  batch predict --input rows.parquet --output predicted.csv --model credit.safetensors"})
    static final class Predict implements Callable<Integer> {
        @CommandLine.Mixin
        Common common;

        @Option(names = "--model", required = true, description = "BotSec model file (.safetensors).")
        Path model;

        @Option(names = "--column", description = "Text column for a text model (default text); numeric models read their feature columns.")
        String column;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            SparkPredict p = SparkPredict.fromFile(model);
            long n = common.run(df -> p.predict(df, Optional.ofNullable(column)));
            spec.commandLine().getOut().printf(Locale.ROOT, "predicted %d rows into %s%n", n, common.output);
            return 0;
        }
    }

    @Command(name = "explain", mixinStandardHelpOptions = true,
            description = "Explain every row with LIME (tabular) or Kernel SHAP; adds explain_row, explain_label, "
                    + "explain_prediction, explain_base, explain_score, explain_features (JSON: top K features and "
                    + "weights) and explain_seed.",
            footer = {"", "Examples:",
                    "  batch explain --input rows.csv --output explained.jsonl --model cancer.safetensors --method shap --features 5 --seed 7",
                    "  batch explain --input rows.parquet --output lime.parquet --model credit.safetensors --method lime --features 8 \\",
                    "      --background train.csv --seed 1"})
    static final class Explain implements Callable<Integer> {
        /** Background rows used by default: shap's usual 100 for SHAP; LIME's statistics from up to 10,000 rows. */
        static final int DEFAULT_SHAP_ROWS = 100;

        @CommandLine.Mixin
        Common common;

        @Option(names = "--model", required = true, description = "Numeric BotSec model file (.safetensors).")
        Path model;

        @Option(names = "--method", required = true, description = "lime or shap.")
        String method;

        @Option(names = "--features", required = true, paramLabel = "K", description = "Features per explanation (LIME's num_features; the K largest |SHAP values|).")
        int features;

        @Option(names = "--seed", paramLabel = "S", description = "Batch seed; row i uses a seed derived from S and i (default: random, printed).")
        Long seed;

        @Option(names = "--background", paramLabel = "PATH", description = "SHAP background / LIME training rows (csv, parquet or jsonl; default: the input).")
        String background;

        @Option(names = "--background-rows", paramLabel = "N", description = "Use the first N rows of --background (default: 100 for shap, "
                + SparkExplain.MAX_BACKGROUND_ROWS + " for lime; at most " + SparkExplain.MAX_BACKGROUND_ROWS + ").")
        Integer backgroundRows;

        @Option(names = "--samples", paramLabel = "N", description = "LIME neighbourhood size (default 5000) or Kernel SHAP coalitions (default 2M + 2048).")
        Integer samples;

        @Option(names = "--label", paramLabel = "CLASS", description = "Explained class (default: the second of two classes, else the first).")
        String label;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            SparkExplain.Method m = SparkExplain.Method.parse(method);
            if (features <= 0) {
                throw BadInputException.of("--features must be > 0, got %d", features);
            }
            int rows = backgroundRows != null ? backgroundRows
                    : m == SparkExplain.Method.SHAP ? DEFAULT_SHAP_ROWS : SparkExplain.MAX_BACKGROUND_ROWS;
            if (rows < 1 || rows > SparkExplain.MAX_BACKGROUND_ROWS) {
                throw BadInputException.of("--background-rows must be in [1, %d], got %d", SparkExplain.MAX_BACKGROUND_ROWS, rows);
            }
            long s = seed != null ? seed : new java.security.SecureRandom().nextLong();
            SparkExplain.Builder b = SparkExplain.builder().modelFile(model).method(m).numFeatures(features).seed(s);
            if (samples != null) {
                b.samples(samples);
            }
            if (label != null) {
                b.label(label);
            }
            long n = common.run(df -> {
                Dataset<Row> bgDf = background == null ? df
                        : BatchIo.read(df.sparkSession(), background, BatchIo.Format.ofPath(background));
                SparkExplain ex = b.background(bgDf, rows, background == null ? "input" : "background").build();
                return ex.explain(df, common.partitions == null ? java.util.OptionalInt.empty()
                        : java.util.OptionalInt.of(common.partitions));
            }, false);
            spec.commandLine().getOut().printf(Locale.ROOT, "explained %d rows into %s (%s, seed %d)%n", n, common.output,
                    m.label(), s);
            return 0;
        }
    }
}
