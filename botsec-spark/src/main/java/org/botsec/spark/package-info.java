/**
 * Batch work on Apache Spark 4: guard scanning of a text column ({@link org.botsec.spark.SparkGuard}) and batch
 * prediction with a BotSec model file ({@link org.botsec.spark.SparkPredict}) as DataFrame functions, and the
 * {@code batch} command ({@link org.botsec.spark.BatchMain}) usable with {@code spark-submit}.
 *
 * <p>What travels to the executors is bytes: the policy file's or the model file's content. Each partition
 * rebuilds the guard or the model from them once ({@code mapPartitions}), so no BotSec object is ever
 * Java-serialised and a partition of a million rows pays the start-up cost once.
 */
package org.botsec.spark;
