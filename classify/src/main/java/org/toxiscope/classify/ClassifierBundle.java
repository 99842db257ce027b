package org.toxiscope.classify;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;

import org.toxiscope.common.AtomicWrite;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.extract.Pooling;
import org.toxiscope.features.extract.SessionSpec;
import org.tribuo.Model;

/**
 * A trained classifier as one self-describing file: a zip holding {@code bundle.json} (method, per label its
 * features or model entry, value transform and thresholds, provenance, validation metrics) and, for linear methods,
 * one {@code model-<label>.tribuo} per label in Tribuo's protobuf format.
 */
public final class ClassifierBundle {

    public static final String FORMAT = "toxiscope-classifier";
    public static final int FORMAT_VERSION = 1;
    static final String MANIFEST = "bundle.json";
    /**
     * Entries are read into memory, so bigger ones are refused. A one-label logreg model over every feature of a
     * 32K-wide SAE layer measured 6.4 MiB (0.5 MiB of double weights for two outputs, the rest feature domain), and
     * about 27 MiB if each feature's domain kept the 50 distinct values Tribuo tracks at most: the model cap fits one
     * full layer at worst twice over, or several at typical density; a manifest is a few KiB.
     */
    static final long MAX_MODEL_BYTES = 64L << 20;
    static final long MAX_MANIFEST_BYTES = 16L << 20;
    /** Caps the sum over entries, which a file of many entries each under its cap would otherwise blow up. */
    static final long MAX_BUNDLE_BYTES = 1L << 30;

    /** Writes a MetricsEntry's undefined figures as null rather than leaving them out, whatever the writer's default. */
    private static final TypeAdapterFactory METRICS_WITH_NULLS = new TypeAdapterFactory() {
        @Override
        public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> type) {
            if (type.getRawType() != MetricsEntry.class) {
                return null;
            }
            TypeAdapter<T> delegate = gson.getDelegateAdapter(this, type);
            return new TypeAdapter<>() {
                @Override
                public void write(JsonWriter out, T value) throws IOException {
                    boolean serializeNulls = out.getSerializeNulls();
                    out.setSerializeNulls(true);
                    try {
                        delegate.write(out, value);
                    } finally {
                        out.setSerializeNulls(serializeNulls);
                    }
                }

                @Override
                public T read(JsonReader in) throws IOException {
                    return delegate.read(in);
                }
            };
        }
    };

    /**
     * Reads a double field only from a number (or a numeric string, as Gson's own reader does), refusing anything else
     * with the field's JSON path: Gson's own reader lets the NumberFormatException of "abc" escape without it.
     */
    private static final TypeAdapterFactory NUMBERS_WITH_PATHS = new TypeAdapterFactory() {
        @Override
        public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> type) {
            if (type.getRawType() != double.class && type.getRawType() != Double.class) {
                return null;
            }
            TypeAdapter<T> delegate = gson.getDelegateAdapter(this, type);
            return new TypeAdapter<>() {
                @Override
                public void write(JsonWriter out, T value) throws IOException {
                    delegate.write(out, value);
                }

                @Override
                public T read(JsonReader in) throws IOException {
                    String path = in.getPath();
                    JsonToken token = in.peek();
                    if (token == JsonToken.NULL) {
                        return delegate.read(in);
                    }
                    if (token != JsonToken.NUMBER && token != JsonToken.STRING) {
                        throw new JsonParseException("field " + path + ": " + token + " is not a number");
                    }
                    String text = in.nextString();
                    try {
                        @SuppressWarnings("unchecked")
                        T value = (T) Double.valueOf(text);
                        return value;
                    } catch (NumberFormatException e) {
                        throw new JsonParseException("field " + path + ": '" + text + "' is not a number", e);
                    }
                }
            };
        }
    };

    private static final Gson GSON = new GsonBuilder()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .serializeSpecialFloatingPointValues()
            .registerTypeAdapterFactory(METRICS_WITH_NULLS)
            .registerTypeAdapterFactory(NUMBERS_WITH_PATHS)
            .setPrettyPrinting()
            .create();

    /** bundle.json. */
    record Manifest(String format, int formatVersion, String method, List<LabelEntry> labels, Provenance provenance,
                    Map<String, MetricsEntry> metrics) {
    }

    /**
     * One label: rule features, or the zip entry of its Tribuo model, with the value transform, thresholds (on the raw
     * score) and the scaling of the raw score into [0, 1] (absent in bundles written before: the method's squash).
     */
    record LabelEntry(String name, List<String> features, String model, String values, Thresholds thresholds,
                      CalibrationEntry calibration) {
    }

    /** A {@link PlattScaling} as stored, checked when read so that a bad one is refused naming its field. */
    record CalibrationEntry(Double slope, Double intercept, Long fittedOn) {
        static CalibrationEntry of(PlattScaling s) {
            return new CalibrationEntry(s.slope(), s.intercept(), s.fittedOn());
        }
    }

    /**
     * Validation metrics as stored, derived figures included for readers of the JSON (null when undefined); loading
     * uses only the counts, so the 0 or NaN that older bundles hold for an undefined figure is read and ignored.
     */
    record MetricsEntry(long tp, long fp, long fn, long tn, Double precision, Double recall, Double f1,
                        Double accuracy) {
        static MetricsEntry of(ConfusionMatrix m) {
            return new MetricsEntry(m.tp(), m.fp(), m.fn(), m.tn(), m.precision(), m.recall(), m.f1(), m.accuracy());
        }
    }

    private final Method method;
    private final List<LabelClassifier> classifiers;
    private final Provenance provenance;
    private final Map<String, ConfusionMatrix> metrics;
    private final String origin;

    /** A bundle of one classifier per label column (the first is the primary {@code toxic} label). */
    public ClassifierBundle(Method method, List<LabelClassifier> classifiers, Provenance provenance,
                            Map<String, ConfusionMatrix> metrics) {
        this(method, classifiers, provenance, metrics, "classifier bundle");
    }

    private ClassifierBundle(Method method, List<LabelClassifier> classifiers, Provenance provenance,
                             Map<String, ConfusionMatrix> metrics, String origin) {
        if (classifiers.isEmpty()) {
            throw new IllegalArgumentException("a classifier bundle needs at least one label classifier");
        }
        this.method = method;
        this.classifiers = List.copyOf(classifiers);
        this.provenance = provenance;
        this.metrics = metrics == null ? Map.of() : new LinkedHashMap<>(metrics);
        this.origin = origin;
    }

    public Method method() {
        return method;
    }

    public List<LabelClassifier> classifiers() {
        return classifiers;
    }

    public List<String> labelNames() {
        return classifiers.stream().map(LabelClassifier::label).toList();
    }

    public Provenance provenance() {
        return provenance;
    }

    /** Validation metrics by label name (empty when none were measured). */
    public Map<String, ConfusionMatrix> metrics() {
        return metrics;
    }

    /** What errors call this bundle: "classifier bundle" and its file where it was loaded from one. */
    public String origin() {
        return origin;
    }

    /** Every layer some label's classifier reads, ascending: the layers to extract before predicting. */
    public int[] layers() {
        TreeSet<Integer> all = new TreeSet<>();
        for (LabelClassifier c : classifiers) {
            for (int l : c.scorer().layers()) {
                all.add(l);
            }
        }
        return all.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The primary label's prediction for a row. */
    public Prediction predict(FeatureTable table, int row) {
        return classifiers.get(0).predict(table, row);
    }

    /** One prediction per label, in label order. */
    public List<Prediction> predictAll(FeatureTable table, int row) {
        List<Prediction> out = new ArrayList<>(classifiers.size());
        for (LabelClassifier c : classifiers) {
            out.add(c.predict(table, row));
        }
        return out;
    }

    /**
     * Refuses (IllegalArgumentException naming every differing field) features extracted otherwise than this bundle's:
     * another model config, weights or tokenizer, another SAE file at a layer it reads, another k, ReLU setting,
     * pooling, token limit or dtype, or an SAE narrower than a feature the bundle reads. A bundle that predates
     * recording the weights and tokenizer is accepted with a one-line warning on stderr that they went unchecked.
     */
    public void checkCompatible(ExtractionProvenance current) {
        List<String> problems = new ArrayList<>(provenance.extraction().differences(current, layers()));
        problems.addAll(featuresOutside(current.saeWidth(), "the SAE"));
        refuseIf(problems);
        if (!provenance.extraction().recordsModelIdentity()) {
            System.err.println("toxiscope: warning: " + origin + " was written before bundles recorded the model's"
                    + " weights digest and tokenizer sha256, so they could not be checked against "
                    + current.modelId());
        }
    }

    /**
     * For each label, its first feature at or past the width of its layer's SAE in {@code widths} (layers absent
     * there are not checked), as "label 'x' reads feature L1:f99 but {@code sae} at layer 1 has width 64" sentences.
     */
    private List<String> featuresOutside(Map<Integer, Integer> widths, String sae) {
        List<String> problems = new ArrayList<>();
        for (LabelClassifier c : classifiers) {
            for (FeatureRef f : c.scorer().features()) {
                Integer width = widths.get(f.layer());
                if (width != null && f.feature() >= width) {
                    problems.add("label '" + c.label() + "' reads feature " + f + " but " + sae + " at layer "
                            + f.layer() + " has width " + width + " (features 0.." + (width - 1) + ")");
                    break;
                }
            }
        }
        return problems;
    }

    /**
     * {@link #checkCompatible(ExtractionProvenance)} for what {@code session} extracts. A bundle that recorded no
     * token limit (0: every bundle from before sessions defaulted to the model's max_position_embeddings) accepts a
     * session applying that default, since both give the same features to every text the model can position.
     */
    public void checkCompatible(FeatureSession session) throws IOException {
        ExtractionProvenance current = ExtractionProvenance.of(session);
        boolean noLimitThenModelsNow = provenance.extraction().tokenLimit() == 0 && session.tokenLimitFromModel();
        checkCompatible(noLimitThenModelsNow ? current.withMaxTokens(0) : current);
    }

    /**
     * The settings that reproduce this bundle's features, with the model and SAE read from where given (null: as
     * recorded), in {@code dtype} ({@code auto}: the one the bundle was trained with).
     */
    public SessionSpec sessionSpec(String model, String sae, String dtype) {
        return provenance.extraction().sessionSpec(model, sae, Arrays.stream(layers()).boxed().toList(), dtype);
    }

    private void refuseIf(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(origin + " does not match the features given: "
                    + String.join("; ", problems));
        }
    }

    /** Writes the bundle atomically (temporary file in the same folder, then rename). */
    public void save(Path file) throws IOException {
        List<LabelEntry> entries = new ArrayList<>();
        Map<String, Model<?>> models = new LinkedHashMap<>();
        Set<String> used = new HashSet<>();
        for (LabelClassifier c : classifiers) {
            if (c.scorer() instanceof FeatureRule rule) {
                entries.add(new LabelEntry(c.label(), rule.features().stream().map(FeatureRef::toString).toList(),
                        null, null, c.thresholds(),
                        CalibrationEntry.of(c.scaling())));
            } else if (c.scorer() instanceof LinearClassifier linear) {
                String entry = "model-" + c.label().replaceAll("[^A-Za-z0-9._-]", "_");
                for (int i = 2; !used.add(entry); i++) {
                    entry = "model-" + c.label().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + i;
                }
                entry += ".tribuo";
                models.put(entry, linear.model());
                entries.add(new LabelEntry(c.label(), null, entry, linear.values().name(), c.thresholds(),
                        CalibrationEntry.of(c.scaling())));
            } else {
                throw new IllegalArgumentException("cannot save a " + c.scorer().getClass().getName());
            }
        }
        Map<String, MetricsEntry> m = new LinkedHashMap<>();
        metrics.forEach((k, v) -> m.put(k, MetricsEntry.of(v)));
        Manifest manifest = new Manifest(FORMAT, FORMAT_VERSION, method.id(), entries, provenance, m);
        AtomicWrite.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            zip.putNextEntry(new ZipEntry(MANIFEST));
            zip.write(GSON.toJson(manifest).getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            for (Map.Entry<String, Model<?>> e : models.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                e.getValue().serializeToStream(zip);
                zip.closeEntry();
            }
            zip.finish();
        });
    }

    /** Reads a bundle written by {@link #save}; errors name the file and the entry or field at fault. */
    public static ClassifierBundle load(Path file) throws IOException {
        String where = "classifier bundle " + file;
        Map<String, byte[]> entries = new HashMap<>();
        try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
            long total = 0;
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                byte[] bytes = readEntry(zip, where, e, e.getName().equals(MANIFEST) ? MAX_MANIFEST_BYTES
                        : MAX_MODEL_BYTES);
                total += bytes.length;
                if (total > MAX_BUNDLE_BYTES) {
                    throw new IOException(where + ": entries add up to more than " + MAX_BUNDLE_BYTES + " bytes");
                }
                entries.put(e.getName(), bytes);
            }
        } catch (NoSuchFileException e) {
            throw new IOException(where + ": no such file", e);
        } catch (EOFException e) {
            // what ZipInputStream says ("Unexpected end of ZLIB input stream") names neither the file nor the cause
            throw new IOException(where + ": the file is truncated (it ends inside an entry); copy it again", e);
        } catch (ZipException e) {
            throw new IOException(where + ": not a readable zip file (" + e.getMessage() + ")", e);
        }
        byte[] json = entries.get(MANIFEST);
        if (json == null) {
            throw new IOException(where + ": no " + MANIFEST + " inside; is this a toxiscope classifier file?");
        }
        Manifest m;
        try {
            m = GSON.fromJson(new String(json, StandardCharsets.UTF_8), Manifest.class);
        } catch (JsonParseException e) {
            // Gson appends a troubleshooting link on a line of its own
            throw new IOException(where + ": " + MANIFEST + " is not valid: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
        }
        if (m == null || !FORMAT.equals(m.format())) {
            throw new IOException(where + ": " + MANIFEST + " field 'format' is not " + FORMAT);
        }
        if (m.formatVersion() != FORMAT_VERSION) {
            throw new IOException(where + ": format version " + m.formatVersion() + " is not supported (this toxiscope "
                    + "reads version " + FORMAT_VERSION + ")");
        }
        if (m.labels() == null || m.labels().isEmpty() || m.provenance() == null
                || m.provenance().extraction() == null) {
            throw new IOException(where + ": " + MANIFEST + " lacks 'labels' or 'provenance.extraction'");
        }
        Method method;
        try {
            method = Method.parse(m.method());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IOException(where + ": " + MANIFEST + " field 'method': unknown method '" + m.method() + "'", e);
        }
        checkExtraction(where, m.provenance().extraction());
        List<LabelClassifier> classifiers = new ArrayList<>();
        for (int i = 0; i < m.labels().size(); i++) {
            LabelEntry e = m.labels().get(i);
            checkThresholds(where, i, e.thresholds());
            Scorer scorer = scorer(where, method, e, entries);
            classifiers.add(new LabelClassifier(e.name(), scorer,
                    e.thresholds() == null ? Thresholds.global(scorer.defaultThreshold()) : e.thresholds(),
                    e.calibration() == null ? scorer.defaultScaling() : scaling(where, i, e.calibration())));
        }
        Map<String, ConfusionMatrix> metrics = new LinkedHashMap<>();
        if (m.metrics() != null) {
            m.metrics().forEach((k, v) -> metrics.put(k, new ConfusionMatrix(v.tp(), v.fp(), v.fn(), v.tn())));
        }
        ClassifierBundle bundle = new ClassifierBundle(method, classifiers, m.provenance(), metrics, where);
        List<String> outside = bundle.featuresOutside(m.provenance().extraction().saeWidth(), "the SAE it records");
        if (!outside.isEmpty()) {
            throw new IOException(where + ": " + MANIFEST + " " + String.join("; ", outside));
        }
        return bundle;
    }

    /** Thresholds must be finite numbers: NaN would make every decision false, an infinity every one the same. */
    private static void checkThresholds(String where, int label, Thresholds t) throws IOException {
        if (t == null) {
            return;
        }
        String field = where + ": " + MANIFEST + " field labels[" + label + "].thresholds.";
        if (!Double.isFinite(t.global())) {
            throw new IOException(field + "global is " + t.global() + ", not a finite number");
        }
        for (Map.Entry<String, Double> e : t.perLanguage().entrySet()) {
            if (e.getValue() == null || !Double.isFinite(e.getValue())) {
                throw new IOException(field + "per_language." + e.getKey() + " is " + e.getValue()
                        + ", not a finite number");
            }
        }
    }

    /** A stored calibration as a scaling: slope finite and > 0 (so it keeps the order of scores), intercept finite. */
    private static PlattScaling scaling(String where, int label, CalibrationEntry c) throws IOException {
        String field = where + ": " + MANIFEST + " field labels[" + label + "].calibration.";
        if (c.slope() == null || !(c.slope() > 0) || !Double.isFinite(c.slope())) {
            throw new IOException(field + "slope is " + c.slope() + ", not a finite number > 0");
        }
        if (c.intercept() == null || !Double.isFinite(c.intercept())) {
            throw new IOException(field + "intercept is " + c.intercept() + ", not a finite number");
        }
        if (c.fittedOn() != null && c.fittedOn() < 0) {
            throw new IOException(field + "fitted_on is " + c.fittedOn() + ", not >= 0");
        }
        return new PlattScaling(c.slope(), c.intercept(), c.fittedOn() == null ? 0 : c.fittedOn());
    }

    /** The recorded settings a session is opened with, checked here so their errors name the bundle, not a flag. */
    private static void checkExtraction(String where, ExtractionProvenance x) throws IOException {
        String field = where + ": " + MANIFEST + " field provenance.extraction.";
        if (x.maxTokens() != null && x.maxTokens() < 0) {
            throw new IOException(field + "max_tokens is " + x.maxTokens() + ", not >= 0 (0: no limit)");
        }
        if (x.k() < 0) {
            throw new IOException(field + "k is " + x.k() + ", not >= 0");
        }
        if (x.pooling() != null) {
            try {
                Pooling.parse(x.pooling());
            } catch (IllegalArgumentException e) {
                throw new IOException(field + "pooling: " + e.getMessage(), e);
            }
        }
        for (Map.Entry<Integer, Integer> e : x.saeWidth().entrySet()) {
            if (e.getValue() == null || e.getValue() <= 0) {
                throw new IOException(field + "sae_width." + e.getKey() + " is " + e.getValue() + ", not > 0");
            }
        }
    }

    private static Scorer scorer(String where, Method method, LabelEntry e, Map<String, byte[]> entries)
            throws IOException {
        String field = MANIFEST + " label '" + e.name() + "'";
        try {
            if (method == Method.RULE) {
                if (e.features() == null || e.features().isEmpty()) {
                    throw new IOException(where + ": " + field + " has no 'features'");
                }
                return new FeatureRule(e.features().stream().map(FeatureRef::parse).toList());
            }
            byte[] bytes = e.model() == null ? null : entries.get(e.model());
            if (bytes == null) {
                throw new IOException(where + ": " + field + " names model entry '" + e.model()
                        + "', which is not in the file");
            }
            TribuoModelGuard.check(bytes, where, e.model());
            Model<?> model;
            try {
                model = Model.deserializeFromStream(new ByteArrayInputStream(bytes));
            } catch (IOException ex) {
                throw new IOException(where + ": entry " + e.model() + " is not a Tribuo model: " + ex.getMessage(), ex);
            }
            return LinearClassifier.of(model, method, ValueTransform.valueOf(e.values()));
        } catch (IllegalArgumentException | NullPointerException | IllegalStateException ex) {
            throw new IOException(where + ": " + field + ": " + ex.getMessage(), ex);
        }
    }

    private static byte[] readEntry(ZipInputStream zip, String where, ZipEntry entry, long max) throws IOException {
        String tooBig = where + ": entry " + entry.getName() + " is larger than " + max + " bytes";
        if (entry.getSize() > max) {
            throw new IOException(tooBig + " (it declares " + entry.getSize() + ")");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        long total = 0;
        // the declared size is absent for entries written with a data descriptor, as ours are, and may lie
        for (int n; (n = zip.read(buf)) > 0; ) {
            total += n;
            if (total > max) {
                throw new IOException(tooBig);
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
