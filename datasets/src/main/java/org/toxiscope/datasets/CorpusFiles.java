package org.toxiscope.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.toxiscope.common.HfCache;

/**
 * Expands corpus inputs (files, folders, globs, Hugging Face dataset ids in the local cache: {@link HfDataset}) into
 * the sorted list of files they name, each with its layout.
 */
public final class CorpusFiles {

    private CorpusFiles() {
    }

    /** The files {@code inputs} name, in input order and sorted by relative name within a folder or glob. */
    public static List<CorpusFile> resolve(List<String> inputs) {
        List<CorpusFile> files = new ArrayList<>();
        for (String input : inputs) {
            files.addAll(resolve(input));
        }
        return files;
    }

    private static List<CorpusFile> resolve(String input) {
        Path path = Path.of(input);
        if (Files.isRegularFile(path)) {
            return List.of(describe(path, path.getFileName().toString()));
        }
        if (Files.isDirectory(path)) {
            List<CorpusFile> files = walk(path, p -> Format.ofName(p.getFileName().toString()) != null);
            if (files.isEmpty()) {
                throw new DatasetException(input, 0, null, "folder holds no .csv, .tsv, .jsonl, .ndjson or .parquet files");
            }
            return files;
        }
        if (input.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{')) {
            Path root = globRoot(input);
            String pattern = root.relativize(Path.of(input)).toString();
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
            List<CorpusFile> files = walk(root, p -> matcher.matches(root.relativize(p)));
            if (files.isEmpty()) {
                throw new DatasetException(input, 0, null, "no file matches this pattern");
            }
            return files;
        }
        if (HfDataset.looksLikeId(input)) {
            List<String> looked = new ArrayList<>(List.of("the path " + path.toAbsolutePath()));
            return HfDataset.resolve(input, HfCache.fromEnvironment(), looked);
        }
        throw new DatasetException(input, 0, null, "no such file or folder");
    }

    private static Path globRoot(String input) {
        Path root = Path.of("");
        for (Path part : Path.of(input)) {
            String s = part.toString();
            if (s.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{')) {
                break;
            }
            root = root.resolve(s);
        }
        if (Path.of(input).isAbsolute()) {
            root = Path.of(input).getRoot().resolve(root);
        }
        return root.toString().isEmpty() ? Path.of(".") : root;
    }

    /** The files under {@code root} that {@code wanted} takes, hidden ones left out, sorted by relative name. */
    static List<CorpusFile> walk(Path root, Predicate<Path> wanted) {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile)
                    .filter(p -> !hidden(root.relativize(p)))
                    .filter(wanted)
                    .sorted(Comparator.comparing(p -> root.relativize(p).toString()))
                    .map(p -> describe(p, root.relativize(p).toString().replace('\\', '/')))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) {
            if (hiddenName(part.toString())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a file or folder name is not data: hidden, or Hadoop/Spark bookkeeping ({@code _SUCCESS},
     * {@code _temporary/}, {@code .crc}), so a Spark output folder reads as its part files.
     */
    public static boolean hiddenName(String name) {
        return name.startsWith(".") || name.startsWith("_");
    }

    /** Works out one file's layout from its name, and from its first bytes where the name does not tell. */
    public static CorpusFile describe(Path path, String name) {
        String fileName = path.getFileName().toString();
        Compression compression = Compression.ofName(fileName);
        Format format = Format.ofName(fileName);
        if (compression == Compression.NONE || format == null) {
            byte[] head = new byte[4096];
            int n = readHead(path, head, Compression.NONE);
            if (compression == Compression.NONE) {
                compression = Compression.ofMagic(head, n);
            }
            if (format == null) {
                n = compression == Compression.NONE ? n : readHead(path, head, compression);
                format = Format.ofContent(head, n);
            }
        }
        if (format == Format.PARQUET && compression != Compression.NONE) {
            throw new DatasetException(path.toString(), 0, null,
                    "Parquet compresses inside the file; decompress " + compression.extension() + " first");
        }
        return new CorpusFile(path, name, format, compression, LanguageCodes.fromPath(path));
    }

    private static int readHead(Path path, byte[] head, Compression compression) {
        try (InputStream in = compression.decompress(Files.newInputStream(path))) {
            return Math.max(0, in.readNBytes(head, 0, head.length));
        } catch (IOException e) {
            throw new DatasetException(path.toString(), 0, null, "cannot read: " + e.getMessage());
        }
    }
}
