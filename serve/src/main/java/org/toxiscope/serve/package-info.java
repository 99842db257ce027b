/**
 * {@code toxiscope serve}: an HTTP scoring API over a classifier bundle (its own routes and Perspective's
 * {@code comments:analyze}), with dynamic batching, limits, an API key, Prometheus metrics and a feature explorer
 * page served from the jar.
 */
package org.toxiscope.serve;
