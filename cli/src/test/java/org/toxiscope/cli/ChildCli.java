package org.toxiscope.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code Toxiscope.main} in a child JVM with a given {@code -Xmx} and wall-clock bound, its working folder, home
 * and temporary folder all inside one given folder, and returns its exit code, stdout, stderr, seconds and peak RSS.
 *
 * <p>Peak RSS is the kernel's high-water mark ({@code VmHWM} in {@code /proc/<pid>/status}, Linux), sampled every few
 * milliseconds while the child lives: being a high-water mark, a sample only misses growth in the last interval
 * before exit. A child still running at the bound is killed (with its descendants) and reported as timed out.
 */
final class ChildCli {

    /** What one child run did; {@code peakRssKb} is -1 where /proc gave no figure. */
    record Result(int exit, String out, String err, double seconds, long peakRssKb, boolean timedOut) {

        double peakRssMb() {
            return peakRssKb / 1024.0;
        }

        /** The non-blank lines of stderr. */
        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    private static final long SAMPLE_MILLIS = 5;

    private ChildCli() {
    }

    /**
     * Runs {@code toxiscope args...} in a JVM of heap {@code xmx} (e.g. "256m") with {@code folder} as its working
     * folder, {@code folder/.home} as HOME (so the feature cache lands there) and {@code folder/.tmp} as its temporary
     * folder, with the garbage collector bin/toxiscope uses; DJL keeps the caller's native cache, so libtorch is not
     * unpacked again.
     */
    static Result run(Path folder, String xmx, Duration bound, String... args) throws IOException,
            InterruptedException {
        return run(folder, xmx, bound, Map.of(), args);
    }

    /** As {@link #run(Path, String, Duration, String...)} with {@code environment} added to the child's. */
    static Result run(Path folder, String xmx, Duration bound, Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        ProcessBuilder pb = command(folder, xmx, environment, args);
        long start = System.nanoTime();
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        Path status = Path.of("/proc", Long.toString(p.pid()), "status");
        long deadline = start + bound.toNanos();
        long peak = -1;
        boolean timedOut = false;
        while (!p.waitFor(SAMPLE_MILLIS, TimeUnit.MILLISECONDS)) {
            peak = Math.max(peak, highWaterKb(status));
            if (System.nanoTime() > deadline) {
                timedOut = true;
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
                break;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(p.exitValue(), out.join(), err.join(), seconds, peak, timedOut);
    }

    /** DJL's native cache as the calling JVM would use it. */
    private static String djlCache() {
        String env = System.getenv("DJL_CACHE_DIR");
        return env != null ? env : Path.of(System.getProperty("user.home"), ".djl.ai").toString();
    }

    /**
     * The child {@link #run} starts, not yet started: for a caller that talks to it while it runs (a server), then
     * stops it itself.
     */
    static ProcessBuilder command(Path folder, String xmx, Map<String, String> environment, String... args)
            throws IOException {
        Path home = Files.createDirectories(folder.resolve(".home"));
        Path tmp = Files.createDirectories(folder.resolve(".tmp"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-Xmx" + xmx, "-XX:+UseParallelGC", "-XX:-UsePerfData",
                "-Djava.io.tmpdir=" + tmp, "-Duser.home=" + home, "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"), Toxiscope.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(folder.toFile());
        Map<String, String> env = pb.environment();
        env.put("DJL_CACHE_DIR", djlCache());
        env.put("DJL_OFFLINE", "true");
        env.put("HOME", home.toString());
        env.put("TMPDIR", tmp.toString());
        env.remove("XDG_CACHE_HOME");
        env.remove("TOXISCOPE_DEBUG");
        env.putAll(environment);
        return pb;
    }

    /** Reads a stream to its end on its own thread (on 2 cores the common pool has one: stdout would starve stderr). */
    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, task -> {
            Thread t = new Thread(task, "child-cli-drain");
            t.setDaemon(true);
            t.start();
        });
    }

    /** VmHWM in KiB, or -1 once the process is gone (a zombie's status has no memory lines). */
    private static long highWaterKb(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            return -1; // the process exited between the check and the read
        }
        return -1;
    }
}
