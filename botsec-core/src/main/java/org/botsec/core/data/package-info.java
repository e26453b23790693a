/**
 * Data sets: numeric ({@link org.botsec.core.data.Dataset}) and text ({@link org.botsec.core.data.TextDataset}),
 * loaders for CSV, text CSV and IDX files, the built-in data sets shipped with BotSec, stratified seeded splits
 * and standardisation. Every loader validates what it reads and names the row and column of a bad value.
 */
package org.botsec.core.data;
