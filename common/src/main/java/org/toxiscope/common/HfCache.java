package org.toxiscope.common;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Resolves a model/SAE/dataset argument to a local folder: an existing path as-is, else a Hugging Face repo id
 * {@code Org/Name[@revision]} looked up in the local hub cache ({@code $HF_HUB_CACHE}, else {@code $HF_HOME/hub},
 * else {@code ~/.cache/huggingface/hub}); never touches the network.
 */
public final class HfCache {

    /** The kinds of Hugging Face repositories, with their cache folder prefix. */
    public enum RepoType {
        MODEL("models"), DATASET("datasets"), SPACE("spaces");

        private final String prefix;

        RepoType(String prefix) {
            this.prefix = prefix;
        }

        /** The cache folder prefix, e.g. {@code models}. */
        public String prefix() {
            return prefix;
        }
    }

    private static final Pattern REPO_ID =
            Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]*)/([A-Za-z0-9][A-Za-z0-9._-]*)(?:@([A-Za-z0-9._/-]+))?");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    // A ref holds a 40-hex commit and a newline; anything much larger is not a ref.
    private static final long MAX_REF_BYTES = 256;

    private final Map<String, String> env;

    /** A resolver reading {@code HF_HUB_CACHE}, {@code HF_HOME} and {@code HOME} from {@code env}. */
    public HfCache(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** A resolver over the process environment. */
    public static HfCache fromEnvironment() {
        return new HfCache(System.getenv());
    }

    /** Whether {@code spec} has the shape of {@code Org/Name[@revision]}. */
    public static boolean looksLikeRepoId(String spec) {
        return REPO_ID.matcher(spec).matches();
    }

    /** The hub cache folder this environment points at. */
    public Path hubDir() {
        return Path.of(hubDirAndSource()[0]);
    }

    private String[] hubDirAndSource() {
        String hub = env.get("HF_HUB_CACHE");
        if (hub != null && !hub.isEmpty()) {
            return new String[] {hub, "$HF_HUB_CACHE"};
        }
        String home = env.get("HF_HOME");
        if (home != null && !home.isEmpty()) {
            return new String[] {Path.of(home, "hub").toString(), "$HF_HOME/hub"};
        }
        String user = env.getOrDefault("HOME", System.getProperty("user.home"));
        return new String[] {Path.of(user, ".cache", "huggingface", "hub").toString(), "~/.cache/huggingface/hub"};
    }

    /**
     * {@code spec} as an existing path, else the snapshot folder of repo id {@code spec} in the local cache
     * ({@code refs/main}, or the {@code @revision} given: a ref name or a 40-hex commit).
     *
     * @throws FileNotFoundException listing the places looked in
     */
    public Path resolve(String spec, RepoType type) throws IOException {
        Path literal = null;
        try {
            literal = Path.of(spec);
            if (Files.exists(literal)) {
                return literal;
            }
        } catch (InvalidPathException ignored) {
            // Not a usable path on this system; it may still be a repo id.
        }
        Matcher m = REPO_ID.matcher(spec);
        if (!m.matches()) {
            throw new FileNotFoundException("'" + spec + "' is not an existing path"
                    + (literal == null ? "" : " (" + literal.toAbsolutePath() + ")")
                    + " nor a Hugging Face repo id like Org/Name[@revision]");
        }
        List<String> looked = new ArrayList<>();
        looked.add("the path " + (literal == null ? spec : literal.toAbsolutePath()));
        Path snapshot = snapshot(m.group(1) + "/" + m.group(2), m.group(3), type, looked);
        if (snapshot == null) {
            throw notFound(spec, m, looked);
        }
        return snapshot;
    }

    /**
     * The snapshot folder of {@code repo} ({@code Org/Name}) at {@code revision} (a ref name or a 40-hex commit; null:
     * {@code refs/main}, else the only snapshot) in the local cache, or null when it is not there; every place looked
     * in is added to {@code looked}, for the caller's one-line error.
     *
     * @throws FileNotFoundException when the revision is not a ref name, a ref holds no commit, or the snapshot links
     *     outside the cache
     */
    public Path snapshot(String repo, String revision, RepoType type, List<String> looked) throws IOException {
        String[] hub = hubDirAndSource();
        Path repoDir = Path.of(hub[0], type.prefix() + "--" + repo.replace("/", "--"));
        looked.add(repoDir + " (from " + hub[1] + ")");
        if (!Files.isDirectory(repoDir)) {
            return null;
        }
        Path snapshot = snapshot(repoDir, revision, looked);
        if (snapshot == null || !Files.isDirectory(snapshot)) {
            return null;
        }
        Path snapshots = repoDir.resolve("snapshots").toRealPath();
        Path real = snapshot.toRealPath();
        if (!real.getParent().equals(snapshots)) {
            // A snapshot linked elsewhere would load files the cache never downloaded.
            throw new FileNotFoundException(snapshot + ": resolves to " + real + ", outside " + snapshots);
        }
        return snapshot;
    }

    private static Path snapshot(Path repoDir, String revision, List<String> looked) throws IOException {
        Path snapshots = repoDir.resolve("snapshots");
        if (revision != null && COMMIT.matcher(revision).matches()) {
            looked.add(snapshots.resolve(revision).toString());
            return snapshots.resolve(revision);
        }
        String ref = revision == null ? "main" : revision;
        if (Stream.of(ref.split("/")).anyMatch(s -> s.isEmpty() || s.equals("..") || s.equals("."))) {
            throw new FileNotFoundException("revision '" + ref + "' is not a valid ref name");
        }
        Path refFile = repoDir.resolve("refs").resolve(ref);
        looked.add(refFile.toString());
        if (Files.exists(refFile, LinkOption.NOFOLLOW_LINKS)) {
            // Links and FIFOs are refused unread, and the content is never echoed: a hostile ref could point at any file.
            String commit = SmallFile.readStringNoLinks(refFile, MAX_REF_BYTES).trim();
            if (!COMMIT.matcher(commit).matches()) {
                throw new FileNotFoundException(refFile + ": does not hold a 40-hex commit hash");
            }
            looked.add(snapshots.resolve(commit).toString());
            return snapshots.resolve(commit);
        }
        if (revision == null && Files.isDirectory(snapshots)) {
            // Downloads pinned to a commit write no refs/main; a single snapshot is then unambiguous.
            try (Stream<Path> s = Files.list(snapshots)) {
                List<Path> all = s.filter(Files::isDirectory).toList();
                looked.add(snapshots + " (" + all.size() + " snapshots, need exactly 1 without refs/main)");
                return all.size() == 1 ? all.get(0) : null;
            }
        }
        return null;
    }

    private static FileNotFoundException notFound(String spec, Matcher m, List<String> looked) {
        return new FileNotFoundException("'" + spec + "' not found locally; looked in: " + String.join(", ", looked)
                + ". No network access is attempted: download it first (e.g. `huggingface-cli download "
                + m.group(1) + "/" + m.group(2) + "`) or pass a local path");
    }
}
