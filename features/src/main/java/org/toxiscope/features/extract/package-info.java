/**
 * Texts to features: the one settings record ({@code SessionSpec}), the one {@code FeatureSession} that opens and owns model, tokenizer and SAEs, batched extraction, pooling and the feature cache.
 */
package org.toxiscope.features.extract;
