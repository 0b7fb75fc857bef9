package org.krunpack.bundle;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.elf.ElfFile;
import org.krunpack.elf.ElfNote;
import org.krunpack.project.Arch;
import org.krunpack.project.Variant;
import org.krunpack.testing.Gcc;
import org.krunpack.testing.KrunfwAbi;
import org.krunpack.testing.TestKernels;
import org.krunpack.verify.LibraryVerifier;
import org.krunpack.verify.VerifyResult;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acceptance checks on a real kernel (skipped when none is configured: see
 * {@link TestKernels#realVmlinux()}).
 */
@Tag("tools")
class RealVmlinuxTest {
    @TempDir
    Path tmp;

    @Test
    void realVmlinuxBundlesToTheReferencePayloadAndVerifies() throws Exception {
        Path vmlinux = TestKernels.realVmlinux().orElse(null);
        Assumptions.assumeTrue(vmlinux != null, "no real vmlinux: set -Dkrunpack.test.vmlinux=PATH");
        ElfFile elf = ElfFile.read(vmlinux);
        long eEntry = elf.header().entry();

        BundleResult r = Bundler.bundle(new BundleRequest(vmlinux, Arch.X86_64, Variant.GENERIC, "5.5.0", 5,
                tmp.resolve("a"), null, null));
        TestKernels.Reference ref = TestKernels.reference(vmlinux);
        KrunfwAbi abi = KrunfwAbi.load(r.library());
        LongByReference load = new LongByReference();
        LongByReference entry = new LongByReference();
        LongByReference size = new LongByReference();
        Pointer p = abi.krunfw_get_kernel(load, entry, size);
        assertThat(Pointer.nativeValue(p) % 65536).isZero();
        assertThat(load.getValue()).isEqualTo(0x1000000L);
        assertThat(entry.getValue()).isEqualTo(eEntry);
        assertThat(size.getValue()).isEqualTo(ref.payload().length);
        assertThat(size.getValue() % 65536).isZero();
        byte[] mine = p.getByteArray(0, (int) size.getValue());
        assertThat(Arrays.mismatch(mine, ref.payload())).isEqualTo(-1);

        // binutils agrees: objcopy -O binary lays the sections out by LMA the same way.
        Path bin = tmp.resolve("objcopy.bin");
        Gcc.run(tmp, "objcopy", "-O", "binary", vmlinux.toAbsolutePath().toString(), bin.toString());
        byte[] objcopy = Files.readAllBytes(bin);
        assertThat(objcopy.length).isLessThanOrEqualTo(mine.length);
        assertThat(Arrays.mismatch(Arrays.copyOf(mine, objcopy.length), objcopy)).isEqualTo(-1);
        // (the rest, if any, is the padding to 64 KiB: zeros)
        assertThat(Arrays.copyOfRange(mine, objcopy.length, mine.length)).isEqualTo(new byte[mine.length - objcopy.length]);

        // The PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY) is part of the payload.
        ElfNote pvh = elf.notes().stream().filter(n -> n.name().equals("Xen") && n.type() == 18).findFirst()
                .orElse(null);
        if (pvh != null) {
            long pvhEntry = ByteBuffer.wrap(pvh.desc()).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
            assertThat(pvhEntry).isBetween(load.getValue(), load.getValue() + size.getValue());
        }

        VerifyResult v = LibraryVerifier.verify(r.library(), vmlinux);
        assertThat(v.failures()).isEmpty();

        // Reproducible: another build elsewhere, from a copy of the image, is byte-identical.
        Path copy = Files.copy(vmlinux, Files.createDirectories(tmp.resolve("elsewhere")).resolve("vmlinux"));
        Path again = Bundler.bundle(new BundleRequest(copy, Arch.X86_64, Variant.GENERIC, "5.5.0", 5,
                tmp.resolve("b/out"), null, null)).library();
        assertThat(Files.mismatch(r.library(), again)).isEqualTo(-1L);
    }
}
