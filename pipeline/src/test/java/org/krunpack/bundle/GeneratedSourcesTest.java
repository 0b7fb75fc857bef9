package org.krunpack.bundle;

import org.junit.jupiter.api.Test;
import org.krunpack.project.Arch;
import org.krunpack.project.Variant;
import org.krunpack.testing.Golden;

import java.nio.file.Path;
import java.util.List;

/** The generated assembler and C sources, against golden files. */
class GeneratedSourcesTest {
    private static final KernelPayload VMLINUX = new KernelPayload(Path.of("vmlinux"), KernelPayload.Format.VMLINUX,
            0x1000000L, 0x1000123L, 0xdac000L, 0xdb0000L, List.of(
                    new KernelPayload.Piece(0x200000L, 0L, 0x937024L),
                    new KernelPayload.Piece(0xc00000L, 0xa00000L, 0x2d8000L),
                    new KernelPayload.Piece(0x1000000L, 0xcd8000L, 0x22258L),
                    new KernelPayload.Piece(0x10fb000L, 0xcfb000L, 0xb1000L)));

    @Test
    void genericVmlinux() {
        BundleRequest req = new BundleRequest(Path.of("vmlinux"), Arch.X86_64, Variant.GENERIC, "5.5.0", 5,
                Path.of("out"), null, null);
        Golden.assertMatches("bundle/generic/bundle.s", Bundler.assembly(false, VMLINUX, new long[] {-1, -1}));
        Golden.assertMatches("bundle/generic/krunfw.c", Bundler.cSource(req, VMLINUX, new long[] {-1, -1}));
    }

    @Test
    void sevWithQbootAndInitrd() {
        BundleRequest req = new BundleRequest(Path.of("vmlinux"), Arch.X86_64, Variant.SEV, "5.5.0", 5,
                Path.of("out"), Path.of("qboot.bin"), Path.of("initrd"));
        long[] sizes = {65536, 1234567};
        Golden.assertMatches("bundle/sev/bundle.s", Bundler.assembly(true, VMLINUX, sizes));
        Golden.assertMatches("bundle/sev/krunfw.c", Bundler.cSource(req, VMLINUX, sizes));
    }

    @Test
    void rawImage() {
        KernelPayload image = new KernelPayload(Path.of("Image"), KernelPayload.Format.RAW_IMAGE, 0x80000000L,
                0x80000000L, 70000, 131072, List.of(new KernelPayload.Piece(0, 0, 70000)));
        BundleRequest req = new BundleRequest(Path.of("Image"), Arch.AARCH64, Variant.GENERIC, "5.5.0", 5,
                Path.of("out"), null, null);
        Golden.assertMatches("bundle/aarch64/bundle.s", Bundler.assembly(false, image, new long[] {-1, -1}));
        Golden.assertMatches("bundle/aarch64/krunfw.c", Bundler.cSource(req, image, new long[] {-1, -1}));
    }
}
