package org.toxiscope.serve;

import com.google.gson.JsonObject;

/**
 * A request the server refuses: the HTTP status, Perspective's status name (INVALID_ARGUMENT, ...) and one line
 * naming what was wrong; {@link #body} is the error shape every route answers with.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String reason;

    public ApiException(int status, String reason, String message) {
        super(message);
        this.status = status;
        this.reason = reason;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "INVALID_ARGUMENT", message);
    }

    public static ApiException tooLarge(String message) {
        return new ApiException(413, "INVALID_ARGUMENT", message);
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    /** {@code {"error":{"code":..,"message":..,"status":..}}}. */
    public JsonObject body() {
        return body(status, reason, getMessage());
    }

    static JsonObject body(int status, String reason, String message) {
        JsonObject error = new JsonObject();
        error.addProperty("code", status);
        error.addProperty("message", message);
        error.addProperty("status", reason);
        JsonObject out = new JsonObject();
        out.add("error", error);
        return out;
    }
}
