package org.toxiscope.eval;

import java.util.List;

/** A titled block of charts added by the caller to a report, after the standard sections. */
record ReportSection(String title, String caption, List<Chart> charts) {
}
