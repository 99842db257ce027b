package org.toxiscope.datasets;

/** What reading does with a bad record: stop with its error, or skip it into the rejects file and count it. */
public enum OnError {
    FAIL, SKIP
}
