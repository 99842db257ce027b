/**
 * SAE features of Qwen models: the sparse vector type shared by every module; the sub-packages hold file formats ({@code io}), the forward pass ({@code model}), SAEs ({@code sae}), the feature session ({@code extract}) and the embedded demo assets ({@code demo}).
 */
package org.toxiscope.features;
