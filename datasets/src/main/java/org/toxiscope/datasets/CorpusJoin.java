package org.toxiscope.datasets;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;
import java.util.stream.Collectors;
import org.toxiscope.common.Snippet;

/**
 * Joins two tables on an id column or dotted path (an inner join): the smaller file (in bytes) is indexed by id in
 * memory, within a byte budget, and the larger one is streamed, each of its rows whose id the index holds written in
 * its order with the indexed row's values. Output columns: the left file's in order, then the right file's but the id
 * column, a right column whose name is taken getting the prefix {@value #CLASH_PREFIX}; each keeps the type its file
 * declares (a Parquet input's schema), for a typed output (Parquet). A JSON Lines file's columns
 * are those its rows hold (the streamed file's: its first row's, a later row with another field is refused). Ids are
 * unique: a repeat in the indexed file, or a second streamed row with the id of one indexed row, is refused naming
 * the file, line and id. Written and resumed like every {@link CorpusWriter} output, by streamed row position.
 */
public final class CorpusJoin {

    /** What a right column whose name the output already has is renamed with, as often as it takes. */
    public static final String CLASH_PREFIX = "right_";
    /** Ids on one side only that the summary names. */
    private static final int EXAMPLES = 3;

    /**
     * What a join wrote: its columns, the rows joined (those an earlier run wrote included; {@code resumed} of them),
     * and per side the ids the other side lacks, with the first few.
     */
    public record Result(Path output, List<String> columns, long joined, long resumed, Unmatched left,
                         Unmatched right) {

        /** The summary line's figures, e.g. "153,164 rows joined; 0 ids only in test.csv, 2 only in labels.csv". */
        public String summary() {
            return String.format(Locale.ROOT, "%,d rows joined; %s, %s", joined, left.describe("ids only in "),
                    right.describe("only in "));
        }

        /** The result for scripts: output, columns, joined, resumed, and per side only_in file, count and examples. */
        public String toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("output", output.toString());
            json.put("columns", columns);
            json.put("joined", joined);
            json.put("resumed", resumed);
            json.put("left_only", left.toJson());
            json.put("right_only", right.toJson());
            return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(json);
        }
    }

    /** The ids of {@code file} the other file does not have: how many, and the first {@value #EXAMPLES}. */
    public record Unmatched(String file, long count, List<String> examples) {

        /** "2 LEAD FILE (e.g. "x", "y")", or "0 LEAD FILE". */
        String describe(String lead) {
            String shown = examples.stream().map(id -> "\"" + Snippet.of(id) + "\"").collect(Collectors.joining(", "));
            return String.format(Locale.ROOT, "%,d %s%s%s", count, lead, file,
                    count == 0 ? "" : " (e.g. " + shown + (count > examples.size() ? ", ..." : "") + ")");
        }

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("file", file);
            json.put("count", count);
            json.put("examples", examples);
            return json;
        }
    }

    private CorpusJoin() {
    }

    /**
     * Joins the files {@code left} and {@code right} name on {@code on} into {@code output} under {@code policy};
     * the writer is handed to {@code opened} once open (e.g. to flush it on an interrupt), and {@code onRow} hears the
     * share of both files' bytes read after every row (for progress). Indexing more than {@code indexBudget} bytes
     * (an estimate of the Java heap the index holds) is refused.
     */
    public static Result join(String left, String right, String on, Path output, OutputPolicy policy,
                              long indexBudget, Consumer<CorpusWriter> opened, DoubleConsumer onRow)
            throws IOException {
        CorpusFile leftFile = single(left);
        CorpusFile rightFile = single(right);
        long leftBytes = leftFile.path().toFile().length();
        long rightBytes = rightFile.path().toFile().length();
        boolean indexLeft = leftBytes < rightBytes;
        CorpusFile indexedFile = indexLeft ? leftFile : rightFile;
        CorpusFile streamedFile = indexLeft ? rightFile : leftFile;
        double indexedShare = leftBytes + rightBytes == 0 ? 0.5
                : (double) (indexLeft ? leftBytes : rightBytes) / (leftBytes + rightBytes);
        FieldPath id = new FieldPath(on);

        Index index = Index.read(indexedFile, id, indexBudget, f -> onRow.accept(f * indexedShare));
        Map<String, String> madeBy = new LinkedHashMap<>();
        madeBy.put("join on", on);
        madeBy.put("left " + leftFile.path().toAbsolutePath(), Corpus.state(leftFile.path()));
        madeBy.put("right " + rightFile.path().toAbsolutePath(), Corpus.state(rightFile.path()));
        OutputPolicy withState = new OutputPolicy(policy.existing(), madeBy);

        try (TableRows rows = TableRows.open(streamedFile)) {
            Map<String, String> first = rows.next();
            List<String> streamedColumns = rows.header() != null ? rows.header()
                    : first == null ? List.of() : List.copyOf(first.keySet());
            checkHasId(streamedFile, streamedColumns, id, first != null);
            List<String> leftColumns = indexLeft ? index.columns : streamedColumns;
            List<String> rightColumns = new ArrayList<>(indexLeft ? streamedColumns : index.columns);
            if (on.equals(id.column(rightColumns))) {
                rightColumns.remove(on); // the same id as the left's: written once
            }
            Layout layout = Layout.of(leftColumns, rightColumns);
            Map<String, ColumnType> types = layout.types(indexLeft ? index.types : rows.types(),
                    indexLeft ? rows.types() : index.types);
            long joined = 0;
            long resumed;
            long streamedOnly = 0;
            List<String> streamedExamples = new ArrayList<>();
            try (CorpusWriter out = CorpusWriter.open(output, layout.columns, types, withState)) {
                opened.accept(out);
                resumed = out.doneCount();
                long position = -1;
                for (Map<String, String> row = first; row != null; row = rows.next()) {
                    position++;
                    onRow.accept(indexedShare + rows.progress() * (1 - indexedShare));
                    checkColumns(rows, row, streamedColumns);
                    String key = idOf(rows.display(), rows.line(), row, rows.nested(), id);
                    Index.Entry match = index.byId.get(key);
                    if (match == null) {
                        streamedOnly++;
                        if (streamedExamples.size() < EXAMPLES) {
                            streamedExamples.add(key);
                        }
                        continue;
                    }
                    if (match.matchedLine > 0) {
                        throw new DatasetException(rows.display(), rows.line(), on, "id \"" + Snippet.of(key)
                                + "\" is also on line " + match.matchedLine + "; ids must be unique to join");
                    }
                    match.matchedLine = rows.line();
                    joined++;
                    if (!out.isDone(position)) {
                        Map<String, String> indexed = index.row(match);
                        out.write(position, layout.values(indexLeft ? indexed : row, indexLeft ? row : indexed),
                                layout.nested(indexLeft ? match.nested : rows.nested(),
                                        indexLeft ? rows.nested() : match.nested));
                    }
                }
                out.commit();
            }
            long indexedOnly = 0;
            List<String> indexedExamples = new ArrayList<>();
            for (Map.Entry<String, Index.Entry> e : index.byId.entrySet()) {
                if (e.getValue().matchedLine == 0) {
                    indexedOnly++;
                    if (indexedExamples.size() < EXAMPLES) {
                        indexedExamples.add(e.getKey());
                    }
                }
            }
            Unmatched streamedSide = new Unmatched(streamedFile.display(), streamedOnly, streamedExamples);
            Unmatched indexedSide = new Unmatched(indexedFile.display(), indexedOnly, indexedExamples);
            return new Result(output, layout.columns, joined, resumed, indexLeft ? indexedSide : streamedSide,
                    indexLeft ? streamedSide : indexedSide);
        }
    }

    /** The one file {@code input} names; a folder or glob of several is refused. */
    private static CorpusFile single(String input) {
        List<CorpusFile> files = CorpusFiles.resolve(List.of(input));
        if (files.size() != 1) {
            throw new IllegalArgumentException(input + ": names " + files.size() + " files; a join reads one file "
                    + "per side");
        }
        return files.get(0);
    }

    private static void checkHasId(CorpusFile file, List<String> columns, FieldPath id, boolean hasRows) {
        if (hasRows && id.column(columns) == null) {
            throw new DatasetException(file.display(), 0, id.name(), "no such column to join on (columns: "
                    + columns + ")");
        }
    }

    /** Refuses a streamed JSON Lines row with a field its first row lacks: the output's columns are fixed. */
    private static void checkColumns(TableRows rows, Map<String, String> row, List<String> columns) {
        if (rows.header() != null) {
            return;
        }
        for (String key : row.keySet()) {
            if (!columns.contains(key)) {
                throw new DatasetException(rows.display(), rows.line(), key, "not a field of the first record "
                        + columns + ", whose fields the join writes");
            }
        }
    }

    private static String idOf(String file, long line, Map<String, String> row, Set<String> nested, FieldPath id) {
        String value;
        try {
            value = id.value(row, nested);
        } catch (FieldPath.Missing e) {
            throw new DatasetException(file, line, id.name(), e.getMessage() == null ? "missing value"
                    : "missing value: " + e.getMessage());
        }
        if (value.isBlank()) {
            throw new DatasetException(file, line, id.name(), "empty id");
        }
        return value;
    }

    /** The indexed file: its columns in the order met, the types it declares, and its rows by id in file order. */
    private static final class Index {

        /** The rows' values by column index; a row shorter than the columns lacks the later ones. */
        static final class Entry {
            final String[] values;
            final long line;
            final Set<String> nested;
            /** The streamed line that matched this row, 0 while none did. */
            long matchedLine;

            Entry(String[] values, long line, Set<String> nested) {
                this.values = values;
                this.line = line;
                this.nested = nested;
            }
        }

        final List<String> columns = new ArrayList<>();
        final Map<String, Integer> at = new HashMap<>();
        final Map<String, Entry> byId = new LinkedHashMap<>();
        Map<String, ColumnType> types = Map.of();

        static Index read(CorpusFile file, FieldPath id, long budget, DoubleConsumer onRow) {
            Index index = new Index();
            long bytes = 0;
            try (TableRows rows = TableRows.open(file)) {
                index.types = rows.types();
                if (rows.header() != null) {
                    rows.header().forEach(index::column);
                }
                for (Map<String, String> row; (row = rows.next()) != null; ) {
                    onRow.accept(rows.progress());
                    row.keySet().forEach(index::column);
                    if (index.byId.isEmpty()) {
                        checkHasId(file, index.columns, id, true);
                    }
                    String key = idOf(rows.display(), rows.line(), row, rows.nested(), id);
                    Entry earlier = index.byId.get(key);
                    if (earlier != null) {
                        throw new DatasetException(rows.display(), rows.line(), id.name(), "id \"" + Snippet.of(key)
                                + "\" is also on line " + earlier.line + "; ids must be unique to join");
                    }
                    String[] values = new String[index.columns.size()];
                    // Heap an entry holds, roughly: map node, entry, array, and each string's header and chars.
                    bytes += 96 + 8L * values.length + 48 + 2L * key.length();
                    for (Map.Entry<String, String> e : row.entrySet()) {
                        values[index.at.get(e.getKey())] = e.getValue();
                        bytes += 48 + 2L * e.getValue().length();
                    }
                    if (bytes > budget) {
                        throw new IllegalArgumentException(file.display() + ": its " + String.format(Locale.ROOT,
                                "%,d", index.byId.size() + 1) + " rows up to line " + rows.line() + " fill the "
                                + (budget >> 20) + " MiB the join may index in memory (the smaller file is indexed); "
                                + "raise --index-memory within the Java heap (TOXISCOPE_HEAP), or join smaller pieces");
                    }
                    index.byId.put(key, new Entry(values, rows.line(),
                            rows.nested().isEmpty() ? Set.of() : Set.copyOf(rows.nested())));
                }
            }
            return index;
        }

        private void column(String name) {
            if (!at.containsKey(name)) {
                at.put(name, columns.size());
                columns.add(name);
            }
        }

        /** An entry's values by column. */
        Map<String, String> row(Entry e) {
            Map<String, String> out = new HashMap<>(e.values.length * 2);
            for (int i = 0; i < e.values.length; i++) {
                if (e.values[i] != null) {
                    out.put(columns.get(i), e.values[i]);
                }
            }
            return out;
        }
    }

    /** The output columns: the left's, then the right's under their output names. */
    private record Layout(List<String> columns, List<String> leftColumns, List<String> rightColumns,
                          Map<String, String> rightNames) {

        static Layout of(List<String> left, List<String> right) {
            List<String> columns = new ArrayList<>(left);
            Set<String> taken = new HashSet<>(left);
            taken.addAll(right);
            Map<String, String> names = new LinkedHashMap<>();
            for (String r : right) {
                String name = r;
                if (left.contains(r)) {
                    do {
                        name = CLASH_PREFIX + name;
                    } while (taken.contains(name));
                    taken.add(name);
                }
                names.put(r, name);
                columns.add(name);
            }
            return new Layout(List.copyOf(columns), List.copyOf(left), List.copyOf(right), names);
        }

        /** The declared types of both files' columns under their output names; a column without one has none. */
        Map<String, ColumnType> types(Map<String, ColumnType> left, Map<String, ColumnType> right) {
            Map<String, ColumnType> out = new HashMap<>();
            leftColumns.stream().filter(left::containsKey).forEach(c -> out.put(c, left.get(c)));
            rightColumns.stream().filter(right::containsKey).forEach(c -> out.put(rightNames.get(c), right.get(c)));
            return out;
        }

        List<String> values(Map<String, String> left, Map<String, String> right) {
            List<String> out = new ArrayList<>(columns.size());
            leftColumns.forEach(c -> out.add(left.get(c)));
            rightColumns.forEach(c -> out.add(right.get(c)));
            return out;
        }

        /** The output names of the nested columns of both rows. */
        Set<String> nested(Set<String> left, Set<String> right) {
            if (left.isEmpty() && right.isEmpty()) {
                return Set.of();
            }
            Set<String> out = new HashSet<>(left);
            right.forEach(c -> {
                if (rightNames.containsKey(c)) {
                    out.add(rightNames.get(c));
                }
            });
            return out;
        }
    }
}
