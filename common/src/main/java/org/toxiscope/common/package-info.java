/**
 * The small helpers every module needs and that must exist once, so a fix to one reaches every caller:
 * {@link org.toxiscope.common.AtomicWrite} (publishing a file whole or not at all),
 * {@link org.toxiscope.common.Digests} (SHA-256 for provenance and cache keys) and
 * {@link org.toxiscope.common.Versions} (what software made a result). No dependencies, so any module can use it.
 */
package org.toxiscope.common;
