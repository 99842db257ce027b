package org.toxiscope.datasets;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.toxiscope.common.HfCache;
import org.toxiscope.common.HfCache.RepoType;

/**
 * Resolves {@code ORG/NAME[@rev][:config][/split]} to the data files of a Hugging Face dataset in the local hub cache,
 * never downloading: the snapshot {@code refs/main} (or {@code @rev}) names, else, when that holds no data files and no
 * revision is given, the Parquet conversion ({@code refs/convert/parquet}). A file's config is its top folder
 * ({@code data/} and top-level files: {@code default}); its split is the folder below that, else its name up to the
 * first {@code -} or {@code .} ({@code data/en-00000-of-00001.parquet}: split {@code en}). Without a split every split
 * is read (a dataset that splits by language, such as textdetox's, reads as one multilingual corpus, each record's
 * language from its file name); without a config, the only one, a dataset with several is refused naming them.
 */
final class HfDataset {

    private static final Pattern ID = Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]*)/([A-Za-z0-9][A-Za-z0-9._-]*)"
            + "(?:@([A-Za-z0-9._/-]+?))?(?::([A-Za-z0-9._-]+))?(?:/([A-Za-z0-9._-]+))?");
    /** Where huggingface_hub keeps the Parquet conversion's ref (revision {@code refs/convert/parquet}), and the short form. */
    private static final List<String> CONVERTED = List.of("refs/convert/parquet", "convert/parquet");
    private static final String DEFAULT_CONFIG = "default";

    private HfDataset() {
    }

    /** Whether {@code input} has the shape of a dataset id. */
    static boolean looksLikeId(String input) {
        return ID.matcher(input).matches();
    }

    /**
     * The data files {@code input} selects, sorted by their path in the snapshot (which is their name, so ids read
     * {@code data/en-00000-of-00001.parquet:7}); {@code looked} starts with the places already tried (the path).
     */
    static List<CorpusFile> resolve(String input, HfCache cache, List<String> looked) {
        Matcher m = ID.matcher(input);
        if (!m.matches()) {
            throw new IllegalArgumentException(input + ": not a dataset id");
        }
        String repo = m.group(1) + "/" + m.group(2);
        String revision = m.group(3);
        String config = m.group(4);
        String split = m.group(5);
        try {
            Path snapshot = null;
            if (revision != null && split != null && config == null) {
                // ORG/NAME@a/b is the revision a/b when that is a ref, else revision a and split b
                snapshot = cache.snapshot(repo, revision + "/" + split, RepoType.DATASET, looked);
                if (snapshot != null) {
                    split = null;
                }
            }
            if (snapshot == null) {
                snapshot = cache.snapshot(repo, revision, RepoType.DATASET, looked);
            }
            List<Entry> entries = snapshot == null ? List.of() : entries(snapshot);
            if (revision == null && entries.isEmpty()) {
                for (String converted : CONVERTED) {
                    snapshot = cache.snapshot(repo, converted, RepoType.DATASET, looked);
                    entries = snapshot == null ? List.of() : entries(snapshot);
                    if (!entries.isEmpty()) {
                        break;
                    }
                }
            }
            if (entries.isEmpty()) {
                throw new DatasetException(input, 0, null, "no such file or folder, nor a Hugging Face dataset with "
                        + "data files in the local cache; looked in: " + String.join(", ", looked) + ". No network "
                        + "access is attempted: download it first (e.g. `huggingface-cli download --repo-type dataset "
                        + repo + "`) or pass a local path");
            }
            return select(input, snapshot, entries, config, split);
        } catch (FileNotFoundException e) {
            throw new DatasetException(input, 0, null, e.getMessage());
        } catch (IOException e) {
            throw new DatasetException(input, 0, null, "cannot read the Hugging Face cache: " + e.getMessage());
        }
    }

    /** One data file of a snapshot with the config and split its path gives. */
    private record Entry(CorpusFile file, String config, String split) {
    }

    private static List<Entry> entries(Path snapshot) {
        List<Entry> out = new ArrayList<>();
        for (CorpusFile f : CorpusFiles.walk(snapshot, p -> Format.ofName(p.getFileName().toString()) != null)) {
            String[] parts = f.name().split("/");
            boolean hasConfig = parts.length > 1 && !parts[0].equals("data");
            String config = hasConfig ? parts[0] : DEFAULT_CONFIG;
            int rest = parts.length > 1 ? 1 : 0;
            String split = parts.length - rest >= 2 ? parts[rest] : splitOfName(parts[parts.length - 1]);
            out.add(new Entry(f, config, split));
        }
        return out;
    }

    private static String splitOfName(String fileName) {
        int end = fileName.length();
        for (char c : new char[] {'-', '.'}) {
            int at = fileName.indexOf(c);
            if (at > 0) {
                end = Math.min(end, at);
            }
        }
        return fileName.substring(0, end);
    }

    private static List<CorpusFile> select(String input, Path snapshot, List<Entry> entries, String config,
                                           String split) {
        Set<String> configs = new TreeSet<>();
        entries.forEach(e -> configs.add(e.config()));
        if (config == null && configs.size() > 1) {
            throw new DatasetException(input, 0, null, snapshot + " holds the configs " + String.join(", ", configs)
                    + "; pick one with " + input + ":CONFIG");
        }
        String chosen = config != null ? config : configs.iterator().next();
        if (!configs.contains(chosen)) {
            throw new DatasetException(input, 0, null, "no config '" + chosen + "' in " + snapshot + " (configs: "
                    + String.join(", ", configs) + ")");
        }
        Set<String> splits = new TreeSet<>();
        List<CorpusFile> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.config().equals(chosen)) {
                splits.add(e.split());
                if (split == null || e.split().equals(split)) {
                    out.add(e.file());
                }
            }
        }
        if (out.isEmpty()) {
            throw new DatasetException(input, 0, null, "no split '" + split + "' in " + snapshot + " (config "
                    + chosen + " has the splits " + String.join(", ", splits) + ")");
        }
        return out;
    }
}
