/**
 * Readers and writers of the checkpoint formats: memory-mapped safetensors, a safe torch.save pickle reader, the Hugging Face cache layout.
 */
package org.toxiscope.features.io;
