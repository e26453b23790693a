package org.botsec.spark;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.botsec.core.BadInputException;

/** Reading and writing the batch command's files: csv (RFC 4180, header row), parquet, jsonl. */
public final class BatchIo {
    /** The file formats of {@code --input} and {@code --output}. */
    public enum Format {
        CSV, PARQUET, JSONL;

        /** From a path's extension ({@code .csv}, {@code .parquet}, {@code .jsonl} or {@code .json}); also accepts a trailing slash. */
        public static Format ofPath(String path) {
            String p = path.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
            if (p.endsWith(".csv")) {
                return CSV;
            }
            if (p.endsWith(".parquet")) {
                return PARQUET;
            }
            if (p.endsWith(".jsonl") || p.endsWith(".json")) {
                return JSONL;
            }
            throw BadInputException.of("cannot tell the format of %s: name it .csv, .parquet or .jsonl, or pass --format", path);
        }

        public static Format parse(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "csv" -> CSV;
                case "parquet" -> PARQUET;
                case "jsonl", "json" -> JSONL;
                default -> throw BadInputException.of("unknown format '%s': use csv, parquet or jsonl", name);
            };
        }
    }

    private BatchIo() {
    }

    /** True for a path on the local file system (no scheme, or {@code file:}). */
    static boolean isLocal(String path) {
        String scheme = URI.create(path.replace(" ", "%20")).getScheme();
        return scheme == null || scheme.equals("file") || scheme.length() == 1; // one letter: a Windows drive
    }

    /** Reads {@code path}; a missing local path fails before Spark is asked, and malformed records fail the job. */
    public static Dataset<Row> read(SparkSession spark, String path, Format format) {
        if (isLocal(path) && !Files.exists(Paths.get(path.startsWith("file:") ? URI.create(path).getPath() : path))) {
            throw BadInputException.of("input %s does not exist", path);
        }
        DataFrameReader r = spark.read().option("mode", "FAILFAST");
        try {
            return switch (format) {
                // RFC 4180: quotes are escaped by doubling them; fields may span lines
                case CSV -> r.option("header", "true").option("multiLine", "true").option("escape", "\"").csv(path);
                case PARQUET -> r.parquet(path);
                case JSONL -> r.json(path);
            };
        } catch (Exception e) { // Scala throws the checked AnalysisException undeclared
            if (!(e instanceof org.apache.spark.sql.AnalysisException)) {
                throw e;
            }
            throw BadInputException.of("cannot read %s as %s: %s", path, format.name().toLowerCase(Locale.ROOT), firstLine(e.getMessage()));
        }
    }

    /**
     * Writes {@code df} to a hidden temporary directory beside {@code output}, then renames it into place, so a
     * failed job leaves nothing at {@code output}. An existing {@code output} is refused.
     */
    public static void write(Dataset<Row> df, String output, Format format) {
        try {
            Configuration conf = df.sparkSession().sparkContext().hadoopConfiguration();
            Path target = new Path(output);
            FileSystem fs = target.getFileSystem(conf);
            if (fs.exists(target)) {
                throw BadInputException.of("output %s already exists; remove it or choose another path", output);
            }
            Path parent = target.getParent() == null ? new Path(".") : target.getParent();
            Path tmp = new Path(parent, "." + target.getName() + ".tmp-" + UUID.randomUUID());
            try {
                var w = df.write().mode(SaveMode.ErrorIfExists);
                switch (format) {
                    case CSV -> w.option("header", "true").option("escape", "\"").csv(tmp.toString());
                    case PARQUET -> w.parquet(tmp.toString());
                    case JSONL -> w.json(tmp.toString());
                }
                if (!fs.rename(tmp, target)) {
                    throw BadInputException.of("cannot move the finished output into place at %s", output);
                }
            } finally {
                fs.delete(tmp, true); // no-op after a successful rename
            }
        } catch (IOException e) {
            throw BadInputException.of("cannot write %s: %s", output, e.getMessage());
        }
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
