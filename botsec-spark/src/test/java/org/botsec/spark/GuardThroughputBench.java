package org.botsec.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.botsec.guard.Direction;
import org.botsec.guard.GuardPipeline;
import org.botsec.spark.internal.GuardPartition;

/**
 * Guard scan throughput: the single-process path (one thread, and a parallel stream over all cores) against
 * Spark local[*] at several partition counts, on the same in-memory rows, in one JVM. Each path does the same
 * per-row work (verdict, findings JSON, text to pass on). Spark's timing starts with the input cached in
 * memory and excludes session start-up (printed separately). Verdict counts of every path must agree.
 *
 * <p>Run: see docs/spark.md. Args: rows (default 100000), partition counts (default 1,2,4,8).
 */
public final class GuardThroughputBench {
    private GuardThroughputBench() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int[] parts = args.length > 1 ? java.util.Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray() : new int[] {1, 2, 4, 8};
        int cores = Runtime.getRuntime().availableProcessors();
        List<String> texts = TestRows.mixed(n);
        System.out.printf(Locale.ROOT, "rows %d, mean length %.1f chars, cores %d%n", n,
                texts.stream().mapToInt(String::length).average().orElse(0), cores);

        GuardPipeline guard = GuardPipeline.defaults();
        ObjectMapper json = new ObjectMapper();
        single(guard, json, texts); // warm-up: one full pass (the guard's JIT warm-up is long: a 20k-row warm-up left 2x on the table)
        long t0 = System.nanoTime();
        Map<String, Long> expected = single(guard, json, texts);
        double single = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "single-process 1 thread     %8.2f s  %9.0f rows/s%n", single, n / single);

        t0 = System.nanoTime();
        Map<String, Long> par = parallel(guard, texts);
        double parallel = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "single-process %d threads    %8.2f s  %9.0f rows/s%n", cores, parallel, n / parallel);
        check(expected, par, "parallel");

        long s0 = System.nanoTime();
        SparkSession spark = SparkSession.builder().master("local[*]").appName("botsec guard bench")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        System.out.printf(Locale.ROOT, "spark session start-up      %8.2f s (not in the figures below)%n", (System.nanoTime() - s0) / 1e9);
        StructType schema = new StructType().add("text", DataTypes.StringType);
        List<Row> rows = new ArrayList<>(n);
        texts.forEach(t -> rows.add(RowFactory.create(t)));
        Dataset<Row> base = spark.createDataFrame(rows, schema);
        SparkGuard sg = SparkGuard.defaults(Direction.INPUT);
        Map<Integer, Double> sparkTimes = new TreeMap<>();
        counts(sg.scan(base.repartition(parts[0]), "text")); // warm-up: one full pass through Spark
        for (int p : parts) {
            Dataset<Row> df = base.repartition(p).cache();
            df.count();
            counts(sg.scan(df.limit(Math.min(n, 2000)), "text")); // warm-up of this plan's code generation
            t0 = System.nanoTime();
            Map<String, Long> got = counts(sg.scan(df, "text"));
            double t = (System.nanoTime() - t0) / 1e9;
            check(expected, got, "spark " + p);
            System.out.printf(Locale.ROOT, "spark local[*] %2d partitions %8.2f s  %9.0f rows/s%n", p, t, n / t);
            sparkTimes.put(p, t);
            df.unpersist();
        }
        spark.stop();
        // the machine is shared: time the single-process paths again after Spark and keep the faster of each
        t0 = System.nanoTime();
        check(expected, single(guard, json, texts), "single again");
        double single2 = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        check(expected, parallel(guard, texts), "parallel again");
        double parallel2 = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "single-process 1 thread, again %8.2f s; %d threads, again %8.2f s%n", single2, cores, parallel2);
        double bestSingle = Math.min(single, single2);
        double bestParallel = Math.min(parallel, parallel2);
        for (var e : sparkTimes.entrySet()) {
            System.out.printf(Locale.ROOT, "ratio spark %2d partitions: time / best 1-thread %.2f, time / best %d-thread %.2f%n",
                    e.getKey(), e.getValue() / bestSingle, cores, e.getValue() / bestParallel);
        }
    }

    private static Map<String, Long> single(GuardPipeline guard, ObjectMapper json, List<String> texts) {
        Map<String, Long> out = new TreeMap<>();
        for (String t : texts) {
            out.merge(GuardPartition.scanColumns(guard, json, t, Direction.INPUT)[0], 1L, Long::sum);
        }
        return out;
    }

    private static Map<String, Long> parallel(GuardPipeline guard, List<String> texts) {
        Map<String, Long> out = new ConcurrentHashMap<>();
        ThreadLocal<ObjectMapper> json = ThreadLocal.withInitial(ObjectMapper::new);
        IntStream.range(0, texts.size()).parallel().forEach(i ->
                out.merge(GuardPartition.scanColumns(guard, json.get(), texts.get(i), Direction.INPUT)[0], 1L, Long::sum));
        return new TreeMap<>(out);
    }

    private static Map<String, Long> counts(Dataset<Row> scanned) {
        Map<String, Long> out = new TreeMap<>();
        for (Row r : scanned.groupBy(SparkGuard.VERDICT).count().collectAsList()) {
            out.put(r.getString(0), r.getLong(1));
        }
        return out;
    }

    private static void check(Map<String, Long> expected, Map<String, Long> got, String what) {
        if (!expected.equals(got)) {
            throw new IllegalStateException(what + " verdict counts " + got + " differ from single-process " + expected);
        }
    }
}
