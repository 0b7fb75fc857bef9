package org.krunpack.patches;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.core.AtomicFiles;
import org.krunpack.core.Tools;
import org.krunpack.patches.PatchReport.Status;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Our real series and 30 synthetic "release" patches against Debian's 6.12 tree. The tree is
 * {@code -Dkrunpack.kernelTree=DIR} when given (an extracted tree, never modified), else the
 * needed files are extracted from {@code /usr/src/linux-source-6.12.tar.xz} (skipped when absent).
 * With {@code -Dkrunpack.kernelTree}, {@link #timingOnTheFullTree} also measures on the full tree.
 */
@Tag("tools")
class KernelTreePatchTest {
    static final Path TARBALL = Path.of("/usr/src/linux-source-6.12.tar.xz");
    static final Path OUR_SERIES = Path.of("../patches/series");
    /** Real 6.12 files the synthetic patches change, one per patch. */
    static final List<String> TARGETS = List.of("kernel/fork.c", "kernel/exit.c", "kernel/signal.c", "kernel/sys.c",
            "kernel/panic.c", "kernel/reboot.c", "kernel/cpu.c", "kernel/module/main.c", "kernel/sched/core.c",
            "kernel/time/timekeeping.c", "mm/memory.c", "mm/mmap.c", "mm/page_alloc.c", "mm/slub.c", "mm/vmscan.c",
            "fs/namei.c", "fs/open.c", "fs/read_write.c", "fs/exec.c", "fs/super.c", "fs/fuse/dir.c",
            "fs/fuse/virtio_fs.c", "init/main.c", "init/do_mounts.c", "net/socket.c", "net/vmw_vsock/af_vsock.c",
            "net/vmw_vsock/virtio_transport_common.c", "drivers/virtio/virtio_mmio.c",
            "drivers/virtio/virtio_balloon.c", "drivers/block/virtio_blk.c");

    static Path source;
    static Path extracted;
    @TempDir
    Path tmp;

    @BeforeAll
    static void findSource() throws IOException {
        String given = System.getProperty("krunpack.kernelTree");
        if (given != null && !given.isBlank()) {
            source = Path.of(given);
            return;
        }
        assumeTrue(Files.isRegularFile(TARBALL), TARBALL + " absent (Debian: apt-get install linux-source-6.12)");
        extracted = Files.createTempDirectory("krunpack-kernel-files-");
        List<String> cmd = new ArrayList<>(List.of("tar", "-xJf", TARBALL.toString(), "-C", extracted.toString()));
        for (String f : touched()) {
            cmd.add("linux-source-6.12/" + f);
        }
        Tools.check(cmd, null, null);
        source = extracted.resolve("linux-source-6.12");
    }

    @AfterAll
    static void cleanUp() {
        if (extracted != null) {
            AtomicFiles.deleteTree(extracted);
        }
    }

    @Test
    void ourSeriesAppliesCleanlyWithoutOffsets() throws IOException {
        Path tree = miniTree();
        PatchReport r = PatchApplier.apply(tree, PatchSeries.load(List.of(), OUR_SERIES), 0, tmp.resolve("out"));

        assertThat(r.ok()).as(r.toText()).isTrue();
        assertThat(r.patches()).isNotEmpty().allSatisfy(p -> assertThat(p.status()).isEqualTo(Status.CLEAN));
        assertThat(Files.readString(tree.resolve("drivers/virtio/Kconfig"))).contains("such as libkrun");
    }

    @Test
    void thirtyReleasePatchesThenOursAreReportedPatchByPatch() throws IOException {
        Path tree = miniTree();
        PatchSeries series = PatchSeries.load(synthetic(tree, -1), OUR_SERIES);
        long t0 = System.nanoTime();
        PatchReport r = PatchApplier.apply(tree, series, 0, tmp.resolve("out"));
        System.out.printf("patch check + install, %d patches: %d ms%n", series.patches().size(),
                (System.nanoTime() - t0) / 1_000_000);

        assertThat(r.ok()).as(r.toText()).isTrue();
        for (int i = 0; i < TARGETS.size(); i++) {
            assertThat(r.patches().get(i).status()).as(r.patches().get(i).name())
                    .isEqualTo(i % 5 == 4 ? Status.OFFSET : Status.CLEAN);
        }
        assertThat(r.written()).hasSize(TARGETS.size() + 1);
    }

    @Test
    void aBrokenPatchInTheMiddleLeavesTheTreeByteIdentical() throws IOException {
        Path tree = miniTree();
        PatchSeries series = PatchSeries.load(synthetic(tree, 14), OUR_SERIES);
        String before = TreeDigest.of(tree);
        long t0 = System.nanoTime();
        PatchReport r = PatchApplier.apply(tree, series, 0, tmp.resolve("out"));
        System.out.printf("patch check (failing), %d patches: %d ms%n", series.patches().size(),
                (System.nanoTime() - t0) / 1_000_000);

        assertThat(TreeDigest.of(tree)).isEqualTo(before);
        assertThat(r.ok()).isFalse();
        assertThat(r.patches()).filteredOn(p -> !p.ok()).extracting(PatchReport.PatchResult::name)
                .containsExactly("0015-synthetic.patch");
        assertThat(r.failureMessage()).hasValueSatisfying(m -> assertThat(m)
                .contains("0015-synthetic.patch", TARGETS.get(14) + " hunk #2"));
    }

    /** Measures on the full extracted tree; restores the touched files afterwards. */
    @Test
    @EnabledIfSystemProperty(named = "krunpack.kernelTree", matches = ".+")
    void timingOnTheFullTree() throws IOException {
        Path backup = tmp.resolve("backup");
        for (String f : touched()) {
            Files.createDirectories(backup.resolve(f).getParent());
            Files.copy(source.resolve(f), backup.resolve(f), StandardCopyOption.COPY_ATTRIBUTES);
        }
        List<Long> failing = new ArrayList<>();
        List<Long> passing = new ArrayList<>();
        try {
            PatchSeries bad = PatchSeries.load(synthetic(source, 14), OUR_SERIES);
            PatchSeries good = PatchSeries.load(synthetic(source, -1), OUR_SERIES);
            for (int round = 0; round < 5; round++) {
                long t0 = System.nanoTime();
                assertThat(PatchApplier.apply(source, bad, 0, tmp.resolve("out")).ok()).isFalse();
                failing.add((System.nanoTime() - t0) / 1_000_000);
                t0 = System.nanoTime();
                assertThat(PatchApplier.apply(source, good, 0, tmp.resolve("out")).ok()).isTrue();
                passing.add((System.nanoTime() - t0) / 1_000_000);
                for (String f : touched()) {
                    Files.copy(backup.resolve(f), source.resolve(f), StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } finally {
            for (String f : touched()) {
                Files.copy(backup.resolve(f), source.resolve(f), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        System.out.println("full tree " + source + ", 31 patches: failing check ms " + failing
                + ", check + install ms " + passing);
    }

    private static List<String> touched() {
        List<String> all = new ArrayList<>(TARGETS);
        all.add("drivers/virtio/Kconfig");
        return all;
    }

    /** A tree holding just the files the series touches, copied from the source. */
    private Path miniTree() throws IOException {
        Path tree = tmp.resolve("linux");
        for (String f : touched()) {
            Files.createDirectories(tree.resolve(f).getParent());
            Files.copy(source.resolve(f), tree.resolve(f), StandardCopyOption.COPY_ATTRIBUTES);
        }
        return tree;
    }

    /**
     * Writes 30 patches, each adding a comment line at a third and at two thirds of its file with
     * three lines of context; every fifth one states its line numbers 4 too high (an offset), and
     * patch {@code broken} (0-based, or -1) has a second hunk whose context is not in the tree.
     */
    private List<Path> synthetic(Path tree, int broken) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("release-patches-" + broken));
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < TARGETS.size(); i++) {
            String f = TARGETS.get(i);
            List<String> lines = Arrays.asList(new String(Files.readAllBytes(tree.resolve(f)),
                    StandardCharsets.ISO_8859_1).split("\n", -1));
            int n = lines.size() - 1;
            StringBuilder sb = new StringBuilder("From: krunpack test <test@example.invalid>\nSubject: [PATCH]"
                    + " synthetic " + (i + 1) + ": annotate " + f + "\n\n---\ndiff --git a/" + f + " b/" + f
                    + "\n--- a/" + f + "\n+++ b/" + f + "\n");
            int shift = i % 5 == 4 ? 4 : 0;
            for (int h = 0; h < 2; h++) {
                int at = n * (h + 1) / 3; // 0-based index of the first line after the insertion
                int start = at - 3 + 1;
                sb.append("@@ -").append(start + shift).append(",6 +").append(start + shift + h).append(",7 @@\n");
                for (int k = at - 3; k < at; k++) {
                    sb.append(' ').append(h == 1 && i == broken && k == at - 2 ? "not in this tree" : lines.get(k))
                            .append('\n');
                }
                sb.append("+/* krunpack synthetic patch ").append(i + 1).append(", hunk ").append(h + 1)
                        .append(" */\n");
                for (int k = at; k < at + 3; k++) {
                    sb.append(' ').append(lines.get(k)).append('\n');
                }
            }
            Path p = dir.resolve(String.format("%04d-synthetic.patch", i + 1));
            Files.write(p, sb.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.add(p);
        }
        return out;
    }
}
