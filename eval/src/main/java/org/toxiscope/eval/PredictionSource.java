package org.toxiscope.eval;

import com.google.gson.JsonObject;
import java.io.IOException;

/** Where one classifier's predictions on a test set come from: a labelled output file, a classifier run, ... */
public interface PredictionSource {

    /** Reads every prediction; bad input fails with a message naming the file, line and field. */
    Predictions read() throws IOException;

    /** What was read, for report.json's provenance (e.g. path, checksum, columns used). */
    JsonObject provenance();
}
