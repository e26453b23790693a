/** Partition functions run on Spark executors; not public API. */
package org.botsec.spark.internal;
