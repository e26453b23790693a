/**
 * Implementation details of the data loaders: hashing and size-bounded input streams, label encoding and the
 * raw CSV table reader used by the built-in data sets. Not a public API; use
 * {@link org.botsec.core.data.CsvLoader}, {@link org.botsec.core.data.Builtins} and
 * {@link org.botsec.core.data.DataSources} instead.
 */
package org.botsec.core.data.internal;
