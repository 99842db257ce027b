package org.toxiscope.datasets;

import com.google.gson.stream.JsonWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.toxiscope.common.AtomicWrite;

/** Writes each rejected record as one JSON line {file, line, field, reason, record|raw}; the file appears when closed. */
final class RejectsWriter implements AutoCloseable {

    private final AtomicWrite file;
    private final BufferedWriter out;

    RejectsWriter(Path path) {
        try {
            this.file = AtomicWrite.open(path);
            this.out = new BufferedWriter(new OutputStreamWriter(file.stream(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write rejects file " + path + ": " + e.getMessage(), e);
        }
    }

    void write(DatasetException error, RawRow row) {
        try {
            JsonWriter json = new JsonWriter(out);
            json.setHtmlSafe(false);
            json.beginObject();
            json.name("file").value(error.file());
            json.name("line").value(error.line());
            json.name("field").value(error.field());
            json.name("reason").value(error.reason());
            if (row != null && row.fields() != null) {
                json.name("record").beginObject();
                for (Map.Entry<String, String> e : row.fields().entrySet()) {
                    json.name(e.getKey());
                    if (row.nested().contains(e.getKey())) {
                        json.jsonValue(e.getValue());
                    } else {
                        json.value(e.getValue());
                    }
                }
                json.endObject();
            } else if (row != null && row.raw() != null) {
                json.name("raw").value(row.raw());
            }
            json.endObject();
            json.flush();
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write rejects file: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        // Closing the AtomicWrite as well removes its temporary file when the writer's own close fails.
        try (file) {
            out.close();
            file.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write rejects file: " + e.getMessage(), e);
        }
    }
}
