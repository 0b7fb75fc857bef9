package org.krunpack.smoke;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real (tiny) libraries built with gcc, their kernel read through the ABI in the sandbox, as libkrun would. */
@Tag("tools")
class KernelBundleTest {
    @TempDir
    Path tmp;

    Path lib(String name, String section, String align, boolean withKernel) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        byte[] payload = PvhNoteTest.payloadWith(65536, 0x40, PvhNoteTest.note("Xen", 18, 0x1000000, 4));
        payload[65535] = 0x42;
        Files.write(dir.resolve("payload.bin"), payload);
        Files.writeString(dir.resolve("b.S"), section + "\n.globl KERNEL_BUNDLE\n" + align
                + "\nKERNEL_BUNDLE:\n.incbin \"payload.bin\"\n.section .note.GNU-stack,\"\",@progbits\n");
        Files.writeString(dir.resolve("k.c"), withKernel ? """
                #include <stddef.h>
                extern char KERNEL_BUNDLE[];
                char *krunfw_get_kernel(size_t *l, size_t *e, size_t *s)
                { *l = 0x1000000; *e = 0x1000100; *s = 65536; return KERNEL_BUNDLE; }
                """ : "int krunfw_get_version(void) { return 5; }\n");
        Path so = dir.resolve("libkrunfw.so.5.5.0");
        Tools.check(List.of("gcc", "-shared", "-fPIC", "-o", so.toString(), "k.c", "b.S"), dir, null);
        return so;
    }

    @Test
    void copiesTheKernelOutThroughTheAbi() throws Exception {
        KernelBundle b = KernelBundle.load(lib("good", ".section .data", ".balign 65536", true));
        assertThat(b.problems()).isEmpty();
        assertThat(b.loadAddr()).isEqualTo(0x1000000L);
        assertThat(b.entryAddr()).isEqualTo(0x1000100L);
        assertThat(b.payload()).hasSize(65536);
        assertThat(b.payload()[65535]).isEqualTo((byte) 0x42);
        assertThat(b.hostAddress() % 65536).isZero();
        assertThat(b.abiVersion()).isEqualTo(-1);
        assertThat(PvhNote.find(b.payload())).get().extracting(PvhNote::entry).isEqualTo(0x1000000L);
    }

    @Test
    void aReadOnlyArrayIsReported() throws Exception {
        KernelBundle b = KernelBundle.load(lib("rodata", ".section .rodata", ".balign 65536", true));
        assertThat(b.problems()).singleElement().asString().contains("read-only memory").contains(".rodata");
        assertThat(b.payload()[65535]).isEqualTo((byte) 0x42);
    }

    @Test
    void anUnalignedArrayIsReported() throws Exception {
        KernelBundle b = KernelBundle.load(lib("unaligned", ".section .data\n.balign 4096\n.byte 1", "", true));
        assertThat(b.problems()).anyMatch(p -> p.contains("not page-aligned: libkrun refuses it"));
    }

    @Test
    void aLibraryWithoutTheFunctionIsNotALibkrunfw() throws Exception {
        Path so = lib("nokernel", ".section .data", ".balign 65536", false);
        assertThatThrownBy(() -> KernelBundle.load(so)).isInstanceOfSatisfying(KrunpackException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.CHECK_FAILED);
            assertThat(e.getMessage()).contains("does not export krunfw_get_kernel");
        });
    }

    @Test
    void theLibrarysCodeRunsInTheSandboxNeverInKrunpacksProcess() throws Exception {
        Path canary = tmp.resolve("canary");
        Path good = lib("ctor", ".section .data", ".balign 65536", true);
        Path dir = good.getParent();
        // A constructor that writes next to the test's files, then one that aborts.
        Files.writeString(dir.resolve("c.c"), """
                #include <fcntl.h>
                #include <stdlib.h>
                __attribute__((constructor)) static void c(void)
                { creat("%s", 0644); if (getenv("KRUNPACK_TEST_ABORT")) abort(); }
                """.formatted(canary));
        Path so = dir.resolve("libkrunfw-ctor.so.5.5.0");
        Tools.check(List.of("gcc", "-shared", "-fPIC", "-o", so.toString(), "k.c", "b.S", "c.c"), dir, null);
        KernelBundle b = KernelBundle.load(so);
        assertThat(b.payload()).hasSize(65536);
        assertThat(canary).as("the constructor ran in a sandbox that cannot write the host's files").doesNotExist();

        Files.writeString(dir.resolve("a.c"), "#include <stdlib.h>\n"
                + "__attribute__((constructor)) static void a(void) { abort(); }\n");
        Path aborting = dir.resolve("libkrunfw-abort.so.5.5.0");
        Tools.check(List.of("gcc", "-shared", "-fPIC", "-o", aborting.toString(), "k.c", "b.S", "a.c"), dir, null);
        assertThatThrownBy(() -> KernelBundle.load(aborting)).isInstanceOfSatisfying(KrunpackException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.CHECK_FAILED);
            assertThat(e.getMessage()).contains("SIGABRT");
        });
    }

    @Test
    void aFileThatIsNoLibraryCannotBeLoaded() throws Exception {
        Path junk = Files.writeString(tmp.resolve("libkrunfw.so.5"), "not an ELF");
        assertThatThrownBy(() -> KernelBundle.load(junk)).isInstanceOfSatisfying(KrunpackException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.CHECK_FAILED);
            assertThat(e.getMessage()).startsWith("cannot load ");
        });
    }
}
