package org.krunpack.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real kernel tree for {@code @Tag("tools")} tests: Debian's {@code linux-source-6.12.tar.xz}
 * extracted ONCE into a cache directory and reused across runs and JVMs.
 *
 * <ul>
 *   <li>tarball: {@code -Dkrunpack.testKernelTarball} or {@code $KRUNPACK_TEST_KERNEL_TARBALL},
 *       default {@code /usr/src/linux-source-6.12.tar.xz} (Debian: apt-get install linux-source-6.12)</li>
 *   <li>cache: {@code -Dkrunpack.testKernelDir} or {@code $KRUNPACK_TEST_KERNEL_DIR}, default
 *       {@code /tmp/krunpack-test-kernel}</li>
 * </ul>
 *
 * Extraction (~10-30 s with tar) goes to a temporary directory renamed when complete, and a
 * marker file says the tree is whole. {@link #use} holds an exclusive lock on the cache while a
 * test runs make in the tree, so two test JVMs never configure it at the same time.
 */
public final class TestKernelTree {
    /** v2: trees are never configured in place (krunpack builds out of tree); v1 trees may hold a .config. */
    private static final String MARKER = ".krunpack-extracted-v2";

    private TestKernelTree() {
    }

    /** Work done with the tree while holding the lock. */
    @FunctionalInterface
    public interface TreeWork {
        void run(Path tree) throws Exception;
    }

    /** Runs {@code work} on the (extracted if needed) tree, holding the cache's lock. */
    public static void use(TreeWork work) throws Exception {
        Path cache = cacheDir();
        Files.createDirectories(cache);
        try (FileChannel ch = FileChannel.open(cache.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
             FileLock lock = ch.lock()) {
            work.run(extracted(cache));
        }
    }

    private static Path cacheDir() {
        return Path.of(setting("krunpack.testKernelDir", "KRUNPACK_TEST_KERNEL_DIR", "/tmp/krunpack-test-kernel"));
    }

    private static Path extracted(Path cache) throws IOException, InterruptedException {
        Path found = find(cache);
        if (found != null) {
            return found;
        }
        Path tarball = Path.of(setting("krunpack.testKernelTarball", "KRUNPACK_TEST_KERNEL_TARBALL",
                "/usr/src/linux-source-6.12.tar.xz"));
        if (!Files.isRegularFile(tarball)) {
            throw new IllegalStateException("no kernel tarball at " + tarball + " for the tools tests: install it"
                    + " (Debian: apt-get install linux-source-6.12) or set -Dkrunpack.testKernelTarball=FILE");
        }
        Path tmp = Files.createTempDirectory(cache, ".extract-");
        Process p = new ProcessBuilder("tar", "xf", tarball.toString(), "-C", tmp.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("tar xf " + tarball + " failed: " + out);
        }
        List<Path> top;
        try (Stream<Path> s = Files.list(tmp)) {
            top = s.toList();
        }
        if (top.size() != 1 || !Files.isRegularFile(top.get(0).resolve("Kconfig"))) {
            throw new IllegalStateException(tarball + " does not hold one kernel tree at its top: " + top);
        }
        Path target = cache.resolve(top.get(0).getFileName());
        if (Files.exists(target)) {
            // an earlier extraction died before writing the marker
            org.krunpack.core.AtomicFiles.deleteTree(target);
        }
        Files.move(top.get(0), target);
        Files.delete(tmp);
        Files.createFile(target.resolve(MARKER));
        return target;
    }

    private static Path find(Path cache) throws IOException {
        try (Stream<Path> s = Files.list(cache)) {
            return s.filter(d -> Files.isRegularFile(d.resolve(MARKER))).sorted().findFirst().orElse(null);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static String setting(String property, String env, String dflt) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? dflt : v;
    }
}
