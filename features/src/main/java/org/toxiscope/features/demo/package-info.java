/**
 * The embedded default: a small random-weight Qwen3 checkpoint, tokenizer and Qwen-Scope-format SAEs written in the real formats on first use.
 */
package org.toxiscope.features.demo;
