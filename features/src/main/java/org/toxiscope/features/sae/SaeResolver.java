package org.toxiscope.features.sae;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.toxiscope.common.Digests;
import org.toxiscope.common.HfCache;
import org.toxiscope.common.SmallFile;
import org.toxiscope.features.io.JsonFields;
import org.toxiscope.features.io.MalformedFileException;

/**
 * Turns an SAE argument (a {@code layer{n}.sae.pt} file, a folder of them, a Hugging Face id such as
 * {@code Qwen/SAE-Res-Qwen3-1.7B-Base-W32K-L0_50} found in the local cache, or a SAELens folder) plus the
 * {@code --layer}, {@code --k} and {@code --relu} options into a {@link SaeSpec}.
 */
public final class SaeResolver {

    public static final String SAELENS_CONFIG = "cfg.json";
    public static final String SAELENS_WEIGHTS = "sae_weights.safetensors";

    private static final Pattern PT_FILE = Pattern.compile("layer(\\d{1,9})\\.sae\\.pt");
    private static final Pattern L0_SUFFIX = Pattern.compile("L0_(\\d{1,9})");
    private static final Pattern RESID_HOOK = Pattern.compile("blocks\\.(\\d{1,9})\\.hook_resid_(post|pre)");

    /** Largest top-k accepted from a cfg.json: far above any released SAE's, and an int without wrapping. */
    private static final int MAX_K = 1 << 20;

    /** Where the layers come from when the user's own flags chose them, for errors that name it. */
    public static final String LAYER_FLAGS = "--layer/--layers";

    private final HfCache cache;

    public SaeResolver(HfCache cache) {
        this.cache = cache;
    }

    /**
     * Resolves {@code argument}; {@code layer}, {@code k} and {@code relu} may be null (then taken from the file
     * name, the repo name's {@code L0_<k>} suffix or the SAELens cfg; relu defaults to the format's convention: none
     * for Qwen-Scope, as the model card; ReLU for SAELens top-k).
     */
    public SaeSpec resolve(String argument, Integer layer, Integer k, Boolean relu) throws IOException {
        return resolve(argument, layer, k, relu, LAYER_FLAGS);
    }

    /** As {@link #resolve(String, Integer, Integer, Boolean)}; errors about the layer name {@code layerSource}. */
    private SaeSpec resolve(String argument, Integer layer, Integer k, Boolean relu, String layerSource)
            throws IOException {
        Path path = existing(argument);
        if (Files.isRegularFile(path)) {
            return qwenScope(argument, path, layer, k, relu, layerSource);
        }
        if (isSaeLens(path)) {
            return saeLens(argument, path, layer, k, relu, layerSource);
        }
        TreeMap<Integer, Path> ptFiles = ptFiles(path);
        if (!ptFiles.isEmpty()) {
            if (layer == null) {
                throw new IllegalArgumentException(argument + ": holds one SAE per layer (" + ptFiles.keySet()
                        + "); choose one with --layer");
            }
            Path file = ptFiles.get(layer);
            if (file == null) {
                throw new FileNotFoundException(argument + ": no layer" + layer + ".sae.pt in " + path
                        + " (layers present: " + ptFiles.keySet() + "; layer " + layer + " was asked for by "
                        + layerSource + ")");
            }
            return qwenScope(argument, file, layer, k, relu, layerSource);
        }
        List<Path> saeLensDirs = saeLensBelow(path);
        if (saeLensDirs.isEmpty()) {
            throw new FileNotFoundException(argument + ": " + path + " holds neither layer{n}.sae.pt files nor a SAELens"
                    + " SAE (" + SAELENS_CONFIG + " + " + SAELENS_WEIGHTS + ")");
        }
        List<Integer> layers = new ArrayList<>();
        for (Path dir : saeLensDirs) {
            int dirLayer = saeLensLayer(dir.resolve(SAELENS_CONFIG), readConfig(dir.resolve(SAELENS_CONFIG)));
            if (layer != null && dirLayer == layer) {
                return saeLens(argument, dir, layer, k, relu, layerSource);
            }
            layers.add(dirLayer);
        }
        if (saeLensDirs.size() == 1 && layer == null) {
            return saeLens(argument, saeLensDirs.get(0), null, k, relu, layerSource);
        }
        throw new IllegalArgumentException(argument + ": holds SAELens SAEs for layers " + layers
                + (layer == null ? "; choose one with --layer" : ", not layer " + layer + " (asked for by "
                + layerSource + ")"));
    }

    /**
     * Resolves {@code argument}'s SAE for each of {@code layers}, keyed and ordered by layer; errors about a layer
     * name {@code layerSource}, where the layers came from ({@link #LAYER_FLAGS}, or e.g. a classifier bundle).
     */
    public Map<Integer, SaeSpec> resolveLayers(String argument, Collection<Integer> layers, Integer k, Boolean relu,
                                               String layerSource) throws IOException {
        Map<Integer, SaeSpec> specs = new TreeMap<>();
        for (int layer : layers) {
            specs.put(layer, resolve(argument, layer, k, relu, layerSource));
        }
        return specs;
    }

    /**
     * The layers {@code argument} provides, found the way {@link #resolve} finds one: the layer of a single file or
     * SAELens folder, the {@code layer{n}.sae.pt} files of a folder, or the hook layers of the SAELens folders in it.
     */
    public List<Integer> availableLayers(String argument) throws IOException {
        Path path = existing(argument);
        if (Files.isRegularFile(path)) {
            Matcher m = PT_FILE.matcher(path.getFileName().toString());
            return m.matches() ? List.of(Integer.parseInt(m.group(1))) : List.of();
        }
        if (isSaeLens(path)) {
            return List.of(saeLensLayer(path.resolve(SAELENS_CONFIG), readConfig(path.resolve(SAELENS_CONFIG))));
        }
        if (!Files.isDirectory(path)) {
            return List.of();
        }
        TreeMap<Integer, Path> ptFiles = ptFiles(path);
        if (!ptFiles.isEmpty()) {
            return List.copyOf(ptFiles.keySet());
        }
        TreeSet<Integer> layers = new TreeSet<>();
        for (Path dir : saeLensBelow(path)) {
            layers.add(saeLensLayer(dir.resolve(SAELENS_CONFIG), readConfig(dir.resolve(SAELENS_CONFIG))));
        }
        return List.copyOf(layers);
    }

    /** The file or folder {@code argument} names; a FIFO or device would block or never end when read. */
    private Path existing(String argument) throws IOException {
        Path path = cache.resolve(argument, HfCache.RepoType.MODEL);
        if (!Files.isRegularFile(path) && !Files.isDirectory(path)) {
            throw new IOException(argument + ": " + path + " is neither a regular file nor a folder");
        }
        return path;
    }

    private static boolean isSaeLens(Path dir) {
        return Files.isRegularFile(dir.resolve(SAELENS_CONFIG)) && Files.isRegularFile(dir.resolve(SAELENS_WEIGHTS));
    }

    private static TreeMap<Integer, Path> ptFiles(Path dir) throws IOException {
        TreeMap<Integer, Path> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Matcher m = PT_FILE.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p)) {
                    out.put(Integer.parseInt(m.group(1)), p);
                }
            }
        }
        return out;
    }

    private static List<Path> saeLensBelow(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir, 2)) {
            return s.filter(p -> !p.equals(dir) && Files.isDirectory(p) && isSaeLens(p)).sorted().toList();
        }
    }

    private SaeSpec qwenScope(String argument, Path file, Integer layer, Integer k, Boolean relu, String layerSource)
            throws IOException {
        Matcher m = PT_FILE.matcher(file.getFileName().toString());
        Integer fileLayer = m.matches() ? Integer.parseInt(m.group(1)) : null;
        if (layer != null && fileLayer != null && !layer.equals(fileLayer)) {
            throw new IllegalArgumentException(argument + ": file " + file.getFileName() + " is layer " + fileLayer
                    + " but layer " + layer + " was asked for by " + layerSource);
        }
        Integer resolvedLayer = layer != null ? layer : fileLayer;
        if (resolvedLayer == null) {
            throw new IllegalArgumentException(argument + ": the layer cannot be read from the file name "
                    + file.getFileName() + " (expected layer{n}.sae.pt); pass --layer");
        }
        int resolvedK = k != null ? k : kFromName(argument, file);
        SaeActivation activation = Boolean.TRUE.equals(relu) ? SaeActivation.TOPK_RELU : SaeActivation.TOPK;
        return new SaeSpec(argument, SaeFormat.QWEN_SCOPE_PT, file, resolvedLayer, resolvedK, activation, false,
                Digests.sha256(file));
    }

    private static int kFromName(String argument, Path file) {
        for (String name : List.of(argument, file.toAbsolutePath().toString())) {
            Matcher m = L0_SUFFIX.matcher(name);
            int found = -1;
            while (m.find()) {
                found = Integer.parseInt(m.group(1));
            }
            if (found > 0) {
                return found;
            }
        }
        throw new IllegalArgumentException(argument + ": k is not known: the name has no L0_<k> suffix (as in"
                + " Qwen/SAE-Res-Qwen3-1.7B-Base-W32K-L0_50); pass --k");
    }

    private SaeSpec saeLens(String argument, Path dir, Integer layer, Integer k, Boolean relu, String layerSource)
            throws IOException {
        Path cfgPath = dir.resolve(SAELENS_CONFIG);
        JsonObject cfg = readConfig(cfgPath);
        int cfgLayer = saeLensLayer(cfgPath, cfg);
        if (layer != null && layer != cfgLayer) {
            throw new IllegalArgumentException(cfgPath + ": the SAE reads layer " + cfgLayer + " but layer " + layer
                    + " was asked for by " + layerSource);
        }
        JsonFields fields = new JsonFields(cfg, cfgPath.toString());
        String norm = fields.string("normalize_activations", null);
        if (norm != null && !norm.equals("none")) {
            throw new IllegalArgumentException(cfgPath + ": normalize_activations '" + norm + "' is not supported"
                    + " (only 'none')");
        }
        String arch = fields.string("architecture", fields.string("activation_fn_str", null));
        SaeActivation activation;
        int resolvedK = 0;
        if ("topk".equals(arch)) {
            Integer cfgK = fields.has("k") ? fields.integer("k", 1, MAX_K) : null;
            JsonObject kwargs = fields.object("activation_fn_kwargs");
            if (cfgK == null && kwargs != null) {
                JsonFields kw = new JsonFields(kwargs, cfgPath + " (activation_fn_kwargs)");
                cfgK = kw.has("k") ? kw.integer("k", 1, MAX_K) : null;
            }
            if (k == null && cfgK == null) {
                throw new IllegalArgumentException(cfgPath + ": a topk SAE without 'k' in its cfg; pass --k");
            }
            resolvedK = k != null ? k : cfgK;
            activation = Boolean.FALSE.equals(relu) ? SaeActivation.TOPK : SaeActivation.TOPK_RELU;
        } else if ("jumprelu".equals(arch)) {
            activation = SaeActivation.JUMPRELU;
        } else if ("standard".equals(arch) || "relu".equals(arch)) {
            activation = SaeActivation.RELU;
        } else {
            throw new IllegalArgumentException(cfgPath + ": architecture '" + arch + "' is not supported (topk,"
                    + " jumprelu, standard)");
        }
        for (String dim : List.of("d_in", "d_sae")) {
            // Checked against the weights' shapes when they are loaded; here only that they are counts.
            fields.integer(dim, 1, Integer.MAX_VALUE, 1);
        }
        boolean subtract = fields.bool("apply_b_dec_to_input", false);
        Path weights = dir.resolve(SAELENS_WEIGHTS);
        return new SaeSpec(argument, SaeFormat.SAELENS, weights, cfgLayer, resolvedK, activation, subtract,
                Digests.sha256(weights));
    }

    private static JsonObject readConfig(Path cfgPath) throws IOException {
        try {
            JsonElement root = JsonParser.parseString(SmallFile.readUtf8(cfgPath, SmallFile.MAX_CONFIG_BYTES));
            if (!root.isJsonObject()) {
                throw new MalformedFileException(cfgPath + ": not a JSON object");
            }
            return root.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new MalformedFileException(cfgPath + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    /** The residual layer (output of block n) a SAELens cfg hooks, from hook_name (or metadata.hook_name). */
    private static int saeLensLayer(Path cfgPath, JsonObject cfg) {
        String hook = string(cfg, "hook_name");
        if (hook == null && cfg.get("metadata") instanceof JsonObject meta) {
            hook = string(meta, "hook_name");
        }
        Matcher m = hook == null ? null : RESID_HOOK.matcher(hook);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException(cfgPath + ": hook_name '" + hook + "' is not a residual-stream hook"
                    + " (blocks.<n>.hook_resid_post or hook_resid_pre)");
        }
        int block = Integer.parseInt(m.group(1));
        // resid_pre of block n is the output of block n-1
        int layer = m.group(2).equals("post") ? block : block - 1;
        if (layer < 0) {
            throw new IllegalArgumentException(cfgPath + ": " + hook + " reads the embeddings, not a block output");
        }
        return layer;
    }

    private static String string(JsonObject o, String field) {
        JsonElement e = o.get(field);
        return e != null && e.isJsonPrimitive() ? e.getAsString() : null;
    }
}
