package org.krunpack.bundle;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.krunpack.project.Arch;
import org.krunpack.testing.Gcc;
import org.krunpack.testing.TestKernels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The libraries {@link Bundler} writes (no compiler involved), checked by the tools users meet:
 * binutils ({@code readelf}, {@code nm}, the target's {@code objdump} decoding our hand-encoded
 * instructions, the target's {@code strip}), elfutils' {@code eu-elflint}, and the real dynamic
 * loader of each architecture, in a separate process: a small C program
 * ({@code src/test/resources/bundle/load-krunfw.c}, compiled here with the target's gcc) dlopens
 * the library, calls every function and compares the memory with the expected payload. The host's
 * architecture runs natively, the others under qemu-user with the cross sysroot
 * ({@code /usr/<arch>-linux-gnu}). The stripped library must load and match too.
 */
@Tag("tools")
class LibraryLoaderTest {
    @TempDir
    Path tmp;

    static Iterable<BundleCases> cases() {
        return BundleCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theSystemLoaderLoadsItAndEveryFunctionReturnsThePayload(BundleCases c) throws Exception {
        BundleRequest req = c.request(tmp.resolve("in"), tmp.resolve("out"));
        BundleResult r = Bundler.bundle(req);
        Path lib = r.library();
        Target t = Target.of(c.arch());

        // elfutils' strict checker and binutils' view.
        assertThat(Gcc.run(tmp, "eu-elflint", "--gnu-ld", lib.toString())).contains("No errors");
        assertThat(Gcc.run(tmp, "readelf", "-n", lib.toString())).contains("Build ID: " + r.buildId());
        String dyn = Gcc.run(tmp, "readelf", "-dW", lib.toString());
        assertThat(dyn).contains("Library soname: [" + req.soname() + "]").doesNotContain("TEXTREL")
                .doesNotContain("NEEDED");
        assertThat(Gcc.run(tmp, "readelf", "-rW", lib.toString())).contains("There are no relocations");
        String phdrs = Gcc.run(tmp, "readelf", "-lW", lib.toString());
        assertThat(phdrs).containsPattern("GNU_STACK .* RW  0x10");
        assertThat(phdrs.lines().filter(l -> l.trim().startsWith("LOAD"))
                .map(l -> l.trim().replaceFirst("^LOAD +(\\S+ +){5}(.+?) +0x10000$", "$2")))
                .containsExactly("R", "R E", "RW"); // r--, r-x, rw-, each 64 KiB-aligned
        List<String> exported = new ArrayList<>(List.of("KERNEL_BUNDLE", "krunfw_get_kernel", "krunfw_get_version"));
        if (req.tee()) {
            exported.addAll(List.of("INITRD_BUNDLE", "QBOOT_BUNDLE", "krunfw_get_initrd", "krunfw_get_qboot"));
        }
        assertThat(Gcc.run(tmp, "nm", "-D", "--defined-only", lib.toString()).lines()
                .map(l -> l.substring(17)).sorted())
                .containsExactlyElementsOf(exported.stream().map(n -> (n.endsWith("BUNDLE") ? "D " : "T ") + n)
                        .sorted().toList());
        assertDisassembly(t, lib, r);

        // The real loader, in another process, calling everything.
        Path payload = Files.write(tmp.resolve("expected-kernel"), expectedPayload(req));
        Path probe = t.compileProbe(tmp);
        List<String> args = new ArrayList<>(List.of(lib.toString(), payload.toString()));
        if (req.tee()) {
            // what the getters must return: the file, then zeros up to a multiple of 64 KiB
            args.addAll(List.of(paddedCopy(req.qboot()).toString(), paddedCopy(req.initrd()).toString()));
        }
        String out = t.run(tmp, probe, args);
        assertThat(out.lines()).contains("dlopen=ok", "version=5", "kernel_is_KERNEL_BUNDLE=yes",
                String.format("load=0x%x", r.loadAddr()), String.format("entry=0x%x", r.entryAddr()),
                "kernel_size=" + r.payloadSize(), "kernel_align=0", "kernel_bytes=equal", "kernel_writable=yes");
        if (req.tee()) {
            assertThat(out.lines()).contains("qboot_size=" + Bundler.padded(r.qbootSize()), "qboot_align=0",
                    "qboot_bytes=equal", "initrd_size=" + Bundler.padded(r.initrdSize()), "initrd_align=0",
                    "initrd_bytes=equal");
        }

        // The target's strip (what rpmbuild runs) keeps it loadable, with its build-id.
        Path stripped = Files.copy(lib, tmp.resolve("stripped.so"));
        Gcc.run(tmp, t.tool("strip"), stripped.toString());
        assertThat(Gcc.run(tmp, "eu-elflint", "--gnu-ld", stripped.toString())).contains("No errors");
        assertThat(Gcc.run(tmp, "readelf", "-n", stripped.toString())).contains("Build ID: " + r.buildId());
        args.set(0, stripped.toString());
        assertThat(t.run(tmp, probe, args).lines()).contains("dlopen=ok", "kernel_bytes=equal");
    }

    private Path paddedCopy(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return Files.write(tmp.resolve("expected-" + file.getFileName()),
                java.util.Arrays.copyOf(bytes, (int) Bundler.padded(bytes.length)));
    }

    /** The target's objdump decodes our hand-encoded instructions as intended. */
    private void assertDisassembly(Target t, Path lib, BundleResult r) throws IOException, InterruptedException {
        String dis = Gcc.run(tmp, t.tool("objdump"), "-d", "--no-show-raw-insn", lib.toString())
                .replaceAll("[ \\t]+", " ");
        String getKernel = section(dis, "<krunfw_get_kernel>:");
        String getVersion = section(dis, "<krunfw_get_version>:");
        switch (t.arch()) {
            case X86_64 -> {
                assertThat(getKernel).containsSubsequence("endbr64",
                        String.format("movabs $0x%x,%%rax", r.loadAddr()), "mov %rax,(%rdi)",
                        String.format("movabs $0x%x,%%rax", r.entryAddr()), "mov %rax,(%rsi)",
                        String.format("movabs $0x%x,%%rax", r.payloadSize()), "mov %rax,(%rdx)",
                        "(%rip),%rax", "<KERNEL_BUNDLE>", "ret");
                assertThat(getVersion).containsSubsequence("endbr64", "mov $0x5,%eax", "ret");
            }
            case AARCH64 -> {
                assertThat(getKernel).containsSubsequence("bti c", "ldr x9,", "str x9, [x0]", "ldr x9,",
                        "str x9, [x1]", "ldr x9,", "str x9, [x2]", "adrp x0,", "<KERNEL_BUNDLE>",
                        "add x0, x0, #0x0", "ret");
                assertThat(getVersion).containsSubsequence("bti c", "mov w0, #0x5", "movk w0, #0x0, lsl #16", "ret");
            }
            case RISCV64 -> {
                assertThat(getKernel).containsSubsequence("auipc t0,", "ld t0,", "sd t0,0(a0)", "auipc t0,",
                        "ld t0,", "sd t0,0(a1)", "auipc t0,", "ld t0,", "sd t0,0(a2)", "auipc a0,", "add",
                        "<KERNEL_BUNDLE>", "ret");
                assertThat(getVersion).containsSubsequence("lui a0,0x0", "addw a0,a0,5", "ret");
            }
        }
        if (r.qbootSize() >= 0) {
            assertThat(section(dis, "<krunfw_get_qboot>:")).contains("<QBOOT_BUNDLE>");
            assertThat(section(dis, "<krunfw_get_initrd>:")).contains("<INITRD_BUNDLE>");
        }
    }

    /** The text of one function in objdump's output. */
    private static String section(String dis, String header) {
        int at = dis.indexOf(header);
        assertThat(at).as("objdump shows %s in:%n%s", header, dis).isNotNegative();
        int end = dis.indexOf("\n\n", at);
        return dis.substring(at, end < 0 ? dis.length() : end);
    }

    /** The payload computed independently: the reference for a vmlinux, the padded file for an Image. */
    private static byte[] expectedPayload(BundleRequest req) throws IOException {
        if (req.arch() == Arch.X86_64) {
            return TestKernels.reference(req.image()).payload();
        }
        byte[] image = Files.readAllBytes(req.image());
        return Arrays.copyOf(image, (image.length + 65535) / 65536 * 65536);
    }

    /** An architecture's gcc, binutils and way of running a program. */
    record Target(Arch arch, boolean native_) {
        static Target of(Arch arch) {
            return new Target(arch, arch == Bundler.hostArch());
        }

        String triple() {
            return arch.rpmName() + "-linux-gnu";
        }

        String tool(String name) {
            return native_ ? name : triple() + "-" + name;
        }

        Path compileProbe(Path dir) throws IOException, InterruptedException {
            Path src = Path.of("src/test/resources/bundle/load-krunfw.c").toAbsolutePath();
            Path exe = dir.resolve("load-krunfw-" + arch.rpmName());
            Gcc.run(dir, tool("gcc"), "-O2", "-Wall", "-Werror", "-o", exe.toString(), src.toString(), "-ldl");
            return exe;
        }

        String run(Path dir, Path probe, List<String> args) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>();
            if (!native_) {
                String qemuArch = arch == Arch.X86_64 ? "x86_64" : arch.rpmName();
                cmd.addAll(List.of("qemu-" + qemuArch + "-static", "-L", "/usr/" + triple()));
            }
            cmd.add(probe.toString());
            cmd.addAll(args);
            return Gcc.run(dir, cmd.toArray(String[]::new));
        }
    }
}
