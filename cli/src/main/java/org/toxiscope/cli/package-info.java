/**
 * The toxiscope command line: thin picocli commands and option mixins that turn flags into settings records (the session's {@code SessionSpec} through {@code Sessions} and {@code BundleOptions}) and hand the work to the modules.
 */
package org.toxiscope.cli;
