/**
 * Query Lens (Lee et al., ICML 2026): what an SAE feature promotes (value side, its decoder direction carried forward
 * through the later blocks' Jacobians) and what activates it (key side, its encoder row carried back through the
 * earlier blocks' transposed Jacobians), read out in vocabulary space, with the linearity statistics of the reference
 * code; the Jacobian products by autograd.
 */
package org.toxiscope.features.lens;
