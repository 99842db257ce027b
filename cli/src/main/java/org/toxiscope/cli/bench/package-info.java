/**
 * {@code toxiscope bench}: speed and memory benchmarks that print their figures (never asserted on), on random weights
 * of real model shapes ({@link org.toxiscope.cli.bench.BenchShape}) with the flags and compute figures of
 * {@link org.toxiscope.cli.bench.BenchModelOptions}, timed by one {@link org.toxiscope.cli.bench.Stopwatch};
 * {@code bench label} times the real {@code label} command.
 */
package org.toxiscope.cli.bench;
