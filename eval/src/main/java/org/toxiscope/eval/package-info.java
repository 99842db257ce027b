/**
 * Accuracy reports: metrics with bootstrap intervals, calibration and thresholds per language, the report's studies (layers, data efficiency, language transfer), and the self-contained HTML/SVG report.
 */
package org.toxiscope.eval;
