/**
 * Sparse autoencoders: resolving Qwen-Scope and SAELens releases into specs, loading, encoding, decoding, steering directions and reconstruction statistics.
 */
package org.toxiscope.features.sae;
