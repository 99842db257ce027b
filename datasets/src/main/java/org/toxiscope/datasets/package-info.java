/**
 * Labelled text corpora in and out, streaming and without losing a record.
 *
 * <p>Reading: {@link org.toxiscope.datasets.Corpus#of(java.util.List, org.toxiscope.datasets.ColumnMapping)} names
 * files, folders or globs; {@link org.toxiscope.datasets.Corpus#read()} gives a closeable
 * {@link org.toxiscope.datasets.RecordStream} of {@link org.toxiscope.datasets.TextRecord}s. CSV and TSV go through
 * a one-pass RFC 4180 parser of its own (opencsv's re-joins a multi-line field per line, quadratic in its length;
 * opencsv still writes), JSON Lines through Gson's strict streaming reader, all behind a UTF-8 decoder that turns
 * malformed bytes into an error on their line. Compression (.gz .bz2 .xz .zst) is commons-compress with xz and
 * zstd-jni.
 *
 * <p>Parquet goes through DuckDB's JDBC driver: in-process, one jar carrying its native library (unpacked to the
 * temporary folder on first use), Parquet reader built in, extension downloads switched off, results streamed.
 * parquet-hadoop's local-file API was the alternative, but its readers still need Hadoop's Configuration classes
 * (hadoop-common and its dependency tree) and a record materialiser per schema; DuckDB reads the Parquet that
 * Hugging Face datasets publish (typed columns, dictionary pages, the usual codecs) with one SQL statement and also
 * writes Parquet (COPY), which the writer uses.
 *
 * <p>Writing: {@link org.toxiscope.datasets.CorpusWriter} (format and compression from the file name, atomic rename,
 * resumable byte for byte). Subsets: {@link org.toxiscope.datasets.StratifiedSplit},
 * {@link org.toxiscope.datasets.Corpus#sample(org.toxiscope.datasets.Sampling)},
 * {@link org.toxiscope.datasets.Deduplicator}. Statistics: {@link org.toxiscope.datasets.CorpusStats}.
 */
package org.toxiscope.datasets;
