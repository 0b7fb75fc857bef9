package org.krunpack.bundle;

import org.krunpack.core.KrunpackException;
import org.krunpack.elf.Elf;
import org.krunpack.elf.ElfFile;
import org.krunpack.elf.ProgramHeader;
import org.krunpack.project.Arch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel payload of a libkrunfw bundle (docs/bundle.md, "The contract"), described as pieces
 * of the image file and streamed on demand, never held in memory.
 *
 * <ul>
 *   <li>x86_64 {@code vmlinux}: every {@code PT_LOAD} segment in file order, {@code p_filesz} bytes
 *       each, placed by {@code p_paddr} with zero-filled gaps; {@code load_addr} is the first
 *       segment's {@code p_vaddr & 0xfffffff}, {@code entry_addr} is {@code e_entry}.</li>
 *   <li>raw {@code Image} (aarch64, riscv64): the file as it is, loaded and entered at 0x80000000.</li>
 * </ul>
 * Either way the size is rounded up to a multiple of 64 KiB with zeros.
 *
 * @param image       the kernel image read
 * @param format      how it was read
 * @param loadAddr    guest physical address the payload is loaded at
 * @param entryAddr   guest physical entry point
 * @param contentSize bytes up to the end of the last piece
 * @param size        {@code contentSize} rounded up to {@link #ALIGN}
 * @param pieces      where each piece of the image lands in the payload
 */
public record KernelPayload(Path image, Format format, long loadAddr, long entryAddr, long contentSize,
                            long size, List<Piece> pieces) {

    /** Payload alignment and size granule: 64 KiB, for 4K-, 16K- and 64K-page hosts. */
    public static final long ALIGN = 65536;
    /** Load and entry address of a raw Image. */
    public static final long RAW_IMAGE_ADDR = 0x80000000L;
    /** Upstream's mask turning the first segment's virtual address into the load address. */
    public static final long LOAD_ADDR_MASK = 0xfffffffL;
    /** A payload spanning more than this is not a kernel we can bundle. */
    public static final long MAX_SIZE = 1L << 30;

    /** How the image was read. */
    public enum Format { VMLINUX, RAW_IMAGE }

    /** {@code length} bytes at {@code fileOffset} of the image land at {@code payloadOffset}. */
    public record Piece(long fileOffset, long payloadOffset, long length) {
    }

    public KernelPayload {
        pieces = List.copyOf(pieces);
    }

    /** Reads the payload layout for {@code arch}: a vmlinux on x86_64, a raw Image elsewhere. */
    public static KernelPayload of(Path image, Arch arch) {
        return arch == Arch.X86_64 ? fromVmlinux(image) : fromRawImage(image);
    }

    /** The payload layout of an x86_64 vmlinux. */
    public static KernelPayload fromVmlinux(Path image) {
        requireFile(image);
        ElfFile elf = ElfFile.read(image);
        String where = image + ": ";
        if (elf.header().machine() != Elf.EM_X86_64) {
            throw KrunpackException.usage(where + "is an ELF file for " + Elf.machineName(elf.header().machine())
                    + ", not x86_64: for aarch64 and riscv64 bundle the raw Image (arch/<arch>/boot/Image)");
        }
        if (elf.header().type() != Elf.ET_EXEC) {
            throw KrunpackException.usage(where + "is " + Elf.typeName(elf.header().type())
                    + ", not an executable (ET_EXEC): give the kernel build's vmlinux");
        }
        List<ProgramHeader> loads = elf.loadSegments();
        if (loads.isEmpty()) {
            throw KrunpackException.usage(where + "has no PT_LOAD segment: is this a vmlinux?");
        }
        ProgramHeader first = loads.get(0);
        long base = first.paddr();
        long load = first.vaddr() & LOAD_ADDR_MASK;
        if (base != load) {
            throw KrunpackException.usage(where + "the first PT_LOAD segment has p_paddr " + hex(base)
                    + " but p_vaddr & 0xfffffff is " + hex(load) + ": libkrun would load the kernel at the wrong"
                    + " address (is CONFIG_PHYSICAL_START above 256 MiB?)");
        }
        List<Piece> pieces = new ArrayList<>();
        long end = 0;
        for (int i = 0; i < loads.size(); i++) {
            ProgramHeader p = loads.get(i);
            long at = p.paddr() - base;
            if (Long.compareUnsigned(p.paddr(), base) < 0 || at < end) {
                throw KrunpackException.usage(where + "PT_LOAD segment " + i + " (p_paddr " + hex(p.paddr())
                        + ") starts before the end of the previous one (" + hex(base + end)
                        + "): segments must be in ascending physical order without overlap");
            }
            if (Long.compareUnsigned(at, MAX_SIZE) > 0 || Long.compareUnsigned(p.filesz(), MAX_SIZE - at) > 0) {
                throw KrunpackException.usage(where + "PT_LOAD segment " + i + " ends more than "
                        + (MAX_SIZE >> 20) + " MiB after the first one: is this a kernel?");
            }
            if (p.filesz() > 0) {
                pieces.add(new Piece(p.offset(), at, p.filesz()));
            }
            end = at + p.filesz();
        }
        if (end == 0) {
            throw KrunpackException.usage(where + "its PT_LOAD segments hold no file bytes");
        }
        long entry = elf.header().entry();
        if (Long.compareUnsigned(entry, load) < 0 || Long.compareUnsigned(entry - load, end) >= 0) {
            throw KrunpackException.usage(where + "e_entry " + hex(entry) + " lies outside the payload ["
                    + hex(load) + ", " + hex(load + end) + "): expected the physical address of startup_64");
        }
        return new KernelPayload(image, Format.VMLINUX, load, entry, end, roundUp(end), pieces);
    }

    /** The payload layout of a raw Image (aarch64, riscv64): the whole file at 0x80000000. */
    public static KernelPayload fromRawImage(Path image) {
        requireFile(image);
        long size;
        byte[] magic = new byte[4];
        try (InputStream in = Files.newInputStream(image)) {
            size = Files.size(image);
            in.readNBytes(magic, 0, 4);
        } catch (IOException e) {
            throw KrunpackException.usage(image + ": cannot read: " + e.getMessage());
        }
        if (ElfFile.hasElfMagic(magic)) {
            throw KrunpackException.usage(image + ": is an ELF file (a vmlinux?); aarch64 and riscv64 bundle the raw"
                    + " Image from arch/<arch>/boot/Image");
        }
        if (size == 0) {
            throw KrunpackException.usage(image + ": is empty");
        }
        if (size > MAX_SIZE) {
            throw KrunpackException.usage(image + ": is larger than " + (MAX_SIZE >> 20) + " MiB: is this a kernel?");
        }
        return new KernelPayload(image, Format.RAW_IMAGE, RAW_IMAGE_ADDR, RAW_IMAGE_ADDR, size, roundUp(size),
                List.of(new Piece(0, 0, size)));
    }

    /** Streams the payload ({@link #size()} bytes, zero gaps and padding) to {@code out}. */
    public void writeTo(WritableByteChannel out) throws IOException {
        try (FileChannel in = FileChannel.open(image, StandardOpenOption.READ)) {
            long pos = 0;
            for (Piece p : pieces) {
                zeros(out, p.payloadOffset() - pos);
                long done = 0;
                while (done < p.length()) {
                    long n = in.transferTo(p.fileOffset() + done, p.length() - done, out);
                    if (n <= 0) {
                        throw new IOException(image + " changed while it was read (ends before offset "
                                + (p.fileOffset() + done) + ")");
                    }
                    done += n;
                }
                pos = p.payloadOffset() + p.length();
            }
            zeros(out, size - pos);
        }
    }

    private static void zeros(WritableByteChannel out, long n) throws IOException {
        ByteBuffer z = ByteBuffer.allocate((int) Math.min(ALIGN, Math.max(n, 0)));
        long left = n;
        while (left > 0) {
            z.clear().limit((int) Math.min(z.capacity(), left));
            while (z.hasRemaining()) {
                left -= out.write(z);
            }
        }
    }

    static long roundUp(long n) {
        return (n + ALIGN - 1) / ALIGN * ALIGN;
    }

    private static void requireFile(Path image) {
        if (!Files.isRegularFile(image)) {
            String kind = org.krunpack.core.Inputs.kind(image);
            if (!kind.equals("missing")) {
                throw KrunpackException.usage("--image: " + image + " is " + kind + ", not a regular file; name the"
                        + " kernel image file");
            }
            throw KrunpackException.usage(image + ": kernel image not found (build it with 'krunpack build', or pass"
                    + " --image FILE)");
        }
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
