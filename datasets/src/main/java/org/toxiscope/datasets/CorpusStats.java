package org.toxiscope.datasets;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Accumulates corpus statistics record by record: counts per language x label, per label column, lengths, duplicates. */
public final class CorpusStats {

    private final Deduplicator dedup = new Deduplicator();
    private final LengthHistogram lengths = new LengthHistogram();
    private final Map<String, long[]> byLanguage = new TreeMap<>();
    private final Map<String, long[]> byLabel = new LinkedHashMap<>();
    private long records;

    /** Counts one record (length in Unicode code points). */
    public void add(TextRecord r) {
        records++;
        dedup.firstSeen(r.text());
        lengths.add(r.text().codePointCount(0, r.text().length()));
        long[] counts = byLanguage.computeIfAbsent(r.lang() == null ? "unknown" : r.lang(), k -> new long[3]);
        Boolean toxic = r.toxic();
        counts[toxic == null ? 2 : toxic ? 0 : 1]++;
        for (Map.Entry<String, Boolean> e : r.labels().entrySet()) {
            byLabel.computeIfAbsent(e.getKey(), k -> new long[2])[e.getValue() ? 0 : 1]++;
        }
    }

    /** Reads every record of {@code corpus} and reports on them, its rejects counted. */
    public static StatsReport of(Corpus corpus) {
        CorpusStats stats = new CorpusStats();
        try (RecordStream records = corpus.read()) {
            for (TextRecord r : records) {
                stats.add(r);
            }
            return stats.report(records.rejected(), corpus.files().size());
        }
    }

    public StatsReport report(long rejected, int files) {
        Map<String, StatsReport.LabelCounts> languages = new LinkedHashMap<>();
        byLanguage.forEach((lang, c) -> languages.put(lang, new StatsReport.LabelCounts(c[0], c[1], c[2])));
        Map<String, StatsReport.LabelCounts> labels = new LinkedHashMap<>();
        byLabel.forEach((label, c) -> labels.put(label, new StatsReport.LabelCounts(c[0], c[1], 0)));
        StatsReport.Lengths len = new StatsReport.Lengths(lengths.percentile(0), lengths.percentile(50),
                lengths.percentile(90), lengths.percentile(95), lengths.percentile(99), lengths.percentile(100),
                Math.round(lengths.mean() * 10) / 10.0);
        return new StatsReport(files, records, rejected, dedup.duplicates(), languages, labels, len);
    }
}
