package org.toxiscope.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.common.HfCache.RepoType;

class HfCacheTest {

    private static final String MAIN = "0123456789abcdef0123456789abcdef01234567";
    private static final String OTHER = "fedcba9876543210fedcba9876543210fedcba98";

    @TempDir
    Path tmp;

    private Path repo(Path hub, String folder) throws IOException {
        Path repo = hub.resolve(folder);
        Files.createDirectories(repo.resolve("snapshots").resolve(MAIN));
        Files.createDirectories(repo.resolve("snapshots").resolve(OTHER));
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), MAIN + "\n");
        return repo;
    }

    @Test
    void existingPathsWinOverRepoIds() throws IOException {
        Path local = Files.createDirectories(tmp.resolve("Qwen/Model"));
        HfCache cache = new HfCache(Map.of("HF_HUB_CACHE", tmp.resolve("hub").toString()));
        assertEquals(local, cache.resolve(local.toString(), RepoType.MODEL));
    }

    @Test
    void resolvesRefsAndRevisionsInTheHubCache() throws IOException {
        Path hub = tmp.resolve("hub");
        Path repo = repo(hub, "models--Qwen--SAE-Res-Qwen3-1.7B-Base-W32K-L0_50");
        HfCache cache = new HfCache(Map.of("HF_HUB_CACHE", hub.toString()));
        assertEquals(repo.resolve("snapshots").resolve(MAIN),
                cache.resolve("Qwen/SAE-Res-Qwen3-1.7B-Base-W32K-L0_50", RepoType.MODEL));
        assertEquals(repo.resolve("snapshots").resolve(OTHER),
                cache.resolve("Qwen/SAE-Res-Qwen3-1.7B-Base-W32K-L0_50@" + OTHER, RepoType.MODEL));
        Files.writeString(repo.resolve("refs/v1"), OTHER);
        assertEquals(repo.resolve("snapshots").resolve(OTHER),
                cache.resolve("Qwen/SAE-Res-Qwen3-1.7B-Base-W32K-L0_50@v1", RepoType.MODEL));
        assertThrows(FileNotFoundException.class,
                () -> cache.resolve("Qwen/SAE-Res-Qwen3-1.7B-Base-W32K-L0_50@../../x", RepoType.MODEL));
    }

    @Test
    void picksTheHubFolderFromTheEnvironment() throws IOException {
        Path home = tmp.resolve("hfhome");
        Path repo = repo(home.resolve("hub"), "datasets--textdetox--multilingual_toxicity_dataset");
        HfCache viaHfHome = new HfCache(Map.of("HF_HOME", home.toString()));
        assertEquals(repo.resolve("snapshots").resolve(MAIN),
                viaHfHome.resolve("textdetox/multilingual_toxicity_dataset", RepoType.DATASET));
        Path user = tmp.resolve("user");
        Path repo2 = repo(user.resolve(".cache/huggingface/hub"), "models--Qwen--Qwen3-0.6B");
        HfCache viaHome = new HfCache(Map.of("HOME", user.toString()));
        assertEquals(user.resolve(".cache/huggingface/hub"), viaHome.hubDir());
        assertEquals(repo2.resolve("snapshots").resolve(MAIN), viaHome.resolve("Qwen/Qwen3-0.6B", RepoType.MODEL));
    }

    @Test
    void usesTheOnlySnapshotWhenNoRefIsWritten() throws IOException {
        Path hub = tmp.resolve("hub");
        Path snap = Files.createDirectories(hub.resolve("models--a--b/snapshots").resolve(MAIN));
        assertEquals(snap, new HfCache(Map.of("HF_HUB_CACHE", hub.toString())).resolve("a/b", RepoType.MODEL));
    }

    @Test
    void notFoundListsThePlacesLookedInAndSaysNoNetwork() {
        Path hub = tmp.resolve("hub");
        HfCache cache = new HfCache(Map.of("HF_HUB_CACHE", hub.toString()));
        FileNotFoundException e = assertThrows(FileNotFoundException.class,
                () -> cache.resolve("Qwen/Qwen3-8B", RepoType.MODEL));
        assertTrue(e.getMessage().contains(hub.resolve("models--Qwen--Qwen3-8B").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("$HF_HUB_CACHE") && e.getMessage().contains("No network access"));
        FileNotFoundException notId = assertThrows(FileNotFoundException.class,
                () -> cache.resolve("no such thing", RepoType.MODEL));
        assertTrue(notId.getMessage().contains("nor a Hugging Face repo id"), notId.getMessage());
        assertFalse(HfCache.looksLikeRepoId("/abs/path"));
        assertTrue(HfCache.looksLikeRepoId("Qwen/Qwen3-8B@main"));
    }

    @Test
    void hostileRefsNeverLeaveTheSnapshotsFolderNorEchoWhatTheyPointAt() throws IOException {
        Path hub = tmp.resolve("hub");
        Path repo = repo(hub, "models--a--b");
        HfCache cache = new HfCache(Map.of("HF_HUB_CACHE", hub.toString()));
        Files.createDirectories(repo.resolve("outside"));
        Files.writeString(repo.resolve("refs/main"), "../outside");
        FileNotFoundException dots = assertThrows(FileNotFoundException.class, () -> cache.resolve("a/b", RepoType.MODEL));
        assertTrue(dots.getMessage().contains("refs/main") && !dots.getMessage().contains("outside"), dots.getMessage());

        Path secret = Files.writeString(tmp.resolve("secret.txt"), "root:x:0:0:SECRET");
        Files.delete(repo.resolve("refs/main"));
        Files.createSymbolicLink(repo.resolve("refs/main"), secret);
        IOException link = assertThrows(IOException.class, () -> cache.resolve("a/b", RepoType.MODEL));
        assertTrue(link.getMessage().contains("refs/main") && !link.getMessage().contains("SECRET"), link.getMessage());

        Files.delete(repo.resolve("refs/main"));
        Files.writeString(repo.resolve("refs/main"), MAIN + " ".repeat(1000));
        assertThrows(IOException.class, () -> cache.resolve("a/b", RepoType.MODEL));

        Files.writeString(repo.resolve("refs/main"), MAIN);
        Path snap = repo.resolve("snapshots").resolve(MAIN);
        Files.delete(snap);
        Files.createSymbolicLink(snap, repo.resolve("outside"));
        FileNotFoundException escaped = assertThrows(FileNotFoundException.class,
                () -> cache.resolve("a/b", RepoType.MODEL));
        assertTrue(escaped.getMessage().contains("outside " + repo.resolve("snapshots").toRealPath()),
                escaped.getMessage());
    }
}
