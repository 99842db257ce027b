package org.toxiscope.cli;

import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.toxiscope.classify.BundleSession;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.classify.CorpusPass;
import org.toxiscope.classify.LabelColumns;
import org.toxiscope.classify.Prediction;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.datasets.TextRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code toxiscope predict}: per-label scores of a few texts, or of a pipe, printed on stdout. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score texts given on the command line, or standard input with --input - (JSON Lines, or one "
                + "text per line), with a classifier bundle, and print one JSON line per text: id, text, then the "
                + "columns label appends (toxic_score in [0, 1], toxic 0/1, top_features, <label>_score and <label> "
                + "per further label; --raw-scores adds toxic_raw, <label>_raw). --format table prints one row per "
                + "text instead: each label's score, * where the decision is positive, and the text."},
        footer = {"", "Examples:",
            "  toxiscope predict --classifier toxic.tsc \"you are an idiot\" \"have a nice day\"",
            "  cat comments.txt | toxiscope predict --classifier toxic.tsc --input - --format table"})
final class PredictCommand implements Callable<Integer> {

    /** How many characters of a text a table row shows. */
    static final int TABLE_TEXT = 60;

    @Option(names = "--classifier", required = true, paramLabel = "toxic.tsc", description = "Bundle from train.")
    Path classifier;

    @Parameters(paramLabel = "TEXT", arity = "0..*", description = "Texts to score.")
    List<String> texts = new ArrayList<>();

    @Option(names = "--input", paramLabel = "IN",
            description = "Texts to score from a dataset (any format data reads), or - for standard input.")
    List<String> input;

    @Mixin
    DatasetOptions columns;

    @Option(names = "--raw-scores", description = "Also print each label's raw method score (toxic_raw, <label>_raw).")
    boolean rawScores;

    @Option(names = "--format", paramLabel = "jsonl|table", defaultValue = "jsonl",
            description = "jsonl: one JSON object per text (default); table: a row of scores per text.")
    String format;

    @Mixin
    BundleOptions session;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        boolean table = switch (format.toLowerCase(Locale.ROOT)) {
            case "jsonl" -> false;
            case "table" -> true;
            default -> throw new IllegalArgumentException("--format is jsonl or table, not '" + format + "'");
        };
        boolean fromFiles = input != null && !input.isEmpty();
        if (fromFiles == !texts.isEmpty()) {
            throw new IllegalArgumentException("give texts to score or --input FILE|-, not " + (fromFiles
                    ? "both" : "neither"));
        }
        ClassifierBundle bundle = ClassifierBundle.load(classifier);
        String column = columns.textColumn == null ? "text" : columns.textColumn;
        try (SpooledTexts spooled = !fromFiles ? SpooledTexts.of(texts, column)
                : SpooledTexts.readsStdin(input) ? SpooledTexts.of(System.in, column) : null) {
            List<String> inputs = !fromFiles ? List.of(spooled.file().toString())
                    : spooled == null ? input : spooled.replaceStdin(input);
            PrintWriter out = spec.commandLine().getOut();
            List<String> labels = bundle.labelNames();
            LabelColumns names = LabelColumns.of(labels, Set.of("id", "text"), rawScores);
            if (table) {
                out.println(header(labels));
            }
            try (BundleSession scorer = session.open(bundle); RecordStream records = columns.texts(inputs).read()) {
                CorpusPass.of("predict", scorer.features(), CorpusPass.Need.POOLED).run(records, c -> {
                    List<List<Prediction>> predicted = scorer.predict(c);
                    for (int i = 0; i < c.records().size(); i++) {
                        TextRecord r = c.records().get(i);
                        out.println(table ? row(predicted.get(i), r.text()) : json(names, predicted.get(i), r));
                    }
                    out.flush();
                });
            }
        }
        return 0;
    }

    /** One JSON line: id, text, then the label columns (scores to six decimals, as label's text outputs hold them). */
    private String json(LabelColumns names, List<Prediction> predictions, TextRecord r) {
        JsonObject o = new JsonObject();
        o.addProperty("id", r.id());
        o.addProperty("text", r.text());
        List<Object> cells = LabelColumns.values(predictions, rawScores);
        for (int c = 0; c < cells.size(); c++) {
            Object v = cells.get(c);
            String name = names.names().get(c);
            if (v instanceof Double d) {
                o.addProperty(name, new BigDecimal(LabelColumns.text(d)));
            } else if (v instanceof Integer n) {
                o.addProperty(name, n);
            } else {
                o.addProperty(name, String.valueOf(v));
            }
        }
        return o.toString();
    }

    private static String header(List<String> labels) {
        StringBuilder sb = new StringBuilder();
        for (String l : labels) {
            sb.append(String.format(Locale.ROOT, "%-" + width(l) + "s  ", l));
        }
        return sb.append("text").toString();
    }

    /** Each label's score to three decimals, {@code *} after a positive decision, then the text on one line. */
    private static String row(List<Prediction> predictions, String text) {
        StringBuilder sb = new StringBuilder();
        for (Prediction p : predictions) {
            String cell = String.format(Locale.ROOT, "%.3f%s", p.score(), p.toxic() ? "*" : "");
            sb.append(String.format(Locale.ROOT, "%-" + width(p.label()) + "s  ", cell));
        }
        String line = text.replaceAll("\\s+", " ").strip();
        if (line.length() > TABLE_TEXT) {
            int end = Character.isHighSurrogate(line.charAt(TABLE_TEXT - 1)) ? TABLE_TEXT - 1 : TABLE_TEXT;
            line = line.substring(0, end) + "...";
        }
        return sb.append(line).toString();
    }

    private static int width(String label) {
        return Math.max(label.length(), "0.000*".length());
    }
}
