package org.botsec.spark;

import org.apache.spark.sql.SparkSession;

/** One small local session per test class. */
final class Sessions {
    private Sessions() {
    }

    static SparkSession local() {
        return SparkSession.builder().master("local[2]").appName("botsec-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
    }
}
