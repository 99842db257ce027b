package org.toxiscope.datasets;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;

/**
 * Writes each split of a {@link StratifiedSplit} plan to its own file {@code DIR/NAME.EXT}, keeping the input columns
 * in order and appending {@code lang} and {@code id} where they are not columns already, so a split file carries the
 * language and stable id it was split by. Resumable by input position: see {@link CorpusWriter}.
 */
public final class SplitWriter {

    private SplitWriter() {
    }

    /**
     * What a split run wrote: records per split, those an earlier interrupted run had written, left-out counts
     * (repeated texts, rejected records, rows skipped for an unscored label).
     */
    public record Result(Map<String, Path> files, Map<String, Long> records, Map<String, Long> resumed,
                         long duplicates, long rejected, long skipped, long seed, Map<String, List<Long>> byStratum) {

        /**
         * {@code {"splits": {"train": {"file": ..., "records": N}}, "duplicates": D, "rejected": R, "skipped": S,
         * ...}}.
         */
        public String toJson() {
            Map<String, Object> splits = new LinkedHashMap<>();
            files.forEach((name, file) -> splits.put(name, Map.of("file", file.toString(), "records", records.get(name))));
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("splits", splits);
            json.put("duplicates", duplicates);
            json.put("rejected", rejected);
            json.put("skipped", skipped);
            json.put("seed", seed);
            json.put("by_stratum", byStratum);
            return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(json);
        }
    }

    /**
     * Reads {@code corpus} once more and writes the records {@code plan} assigns, each split file opened under
     * {@code policy} and handed to {@code opened} (e.g. to flush it on an interrupt); {@code onRecord} hears the share
     * of input read after every record (for progress). On resume, records an interrupted run wrote are skipped.
     */
    public static Result write(Corpus corpus, StratifiedSplit plan, Path dir, String extension, OutputPolicy policy,
                               Consumer<CorpusWriter> opened, DoubleConsumer onRecord) throws IOException {
        List<String> appended = new ArrayList<>();
        if (!plan.columns().contains("lang")) {
            appended.add("lang");
        }
        if (corpus.mapping().idColumn() == null && !plan.columns().contains("id")) {
            appended.add("id");
        }
        List<String> columns = new ArrayList<>(plan.columns());
        columns.addAll(appended);
        Map<String, ColumnType> types = new LinkedHashMap<>(plan.types());
        appended.forEach(column -> types.put(column, ColumnType.TEXT));

        List<String> names = plan.names();
        Map<String, Path> files = new LinkedHashMap<>();
        Map<String, Long> resumed = new LinkedHashMap<>();
        long[] counts = new long[names.size()];
        long rejected;
        long skipped;
        List<CorpusWriter> writers = new ArrayList<>();
        try {
            for (String name : names) {
                Path file = dir.resolve(name + extension);
                CorpusWriter writer = CorpusWriter.open(file, columns, types, policy);
                writers.add(writer);
                opened.accept(writer);
                files.put(name, file);
                resumed.put(name, writer.doneCount());
            }
            StratifiedSplit.Assigner assigner = plan.assigner();
            try (RecordStream records = corpus.read()) {
                long position = -1;
                for (TextRecord r : records) {
                    position++;
                    onRecord.accept(records.progress());
                    int split = assigner.assign(r);
                    if (split < 0) {
                        continue;
                    }
                    CorpusWriter writer = writers.get(split);
                    if (!writer.isDone(position)) {
                        Map<String, String> extra = new LinkedHashMap<>(4);
                        if (appended.contains("lang")) {
                            extra.put("lang", r.lang());
                        }
                        if (appended.contains("id")) {
                            extra.put("id", r.id());
                        }
                        writer.write(position, r, extra);
                    }
                    counts[split]++;
                }
                rejected = records.rejected();
                skipped = records.skipped();
            }
            for (CorpusWriter w : writers) {
                w.commit();
            }
        } finally {
            for (CorpusWriter w : writers) {
                w.close();
            }
        }
        Map<String, Long> records = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            records.put(names.get(i), counts[i]);
        }
        return new Result(files, records, resumed, plan.duplicates(), rejected, skipped, plan.seed(), plan.quotas());
    }
}
