/**
 * The Spark jobs ({@code label}, {@code features}): the same session settings and streaming pass as the command line, run per partition with one model per executor JVM.
 */
package org.toxiscope.spark;
