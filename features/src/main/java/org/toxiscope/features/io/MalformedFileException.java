package org.toxiscope.features.io;

import java.io.IOException;

/** A file whose bytes break its format; the message names the file and the offending field or tensor. */
public class MalformedFileException extends IOException {

    public MalformedFileException(String message) {
        super(message);
    }

    public MalformedFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
