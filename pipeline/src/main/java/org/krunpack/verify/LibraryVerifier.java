package org.krunpack.verify;

import org.krunpack.bundle.Bundler;
import org.krunpack.bundle.KernelPayload;
import org.krunpack.core.Digests;
import org.krunpack.core.KrunpackException;
import org.krunpack.elf.Elf;
import org.krunpack.elf.ElfFile;
import org.krunpack.elf.ElfSymbol;
import org.krunpack.elf.ProgramHeader;
import org.krunpack.elf.SectionHeader;
import org.krunpack.project.Arch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that a file is a compatible libkrunfw (docs/bundle.md, "verify-lib"), whoever built it:
 * ELF inspection first, then a real call of its functions through {@code dlopen}, then, given the
 * kernel image, a byte-for-byte comparison with the payload derived from it. Every check is
 * reported; none stops the others unless they depend on it.
 */
public final class LibraryVerifier {
    static final long PAGE = 4096;
    private static final Pattern SONAME = Pattern.compile("(libkrunfw(?:-(sev|tdx))?)\\.so\\.([0-9]+)");
    private static final Pattern VERSION_TAIL = Pattern.compile("(\\.[0-9]+)*");

    private final Path library;
    private final Path image;
    private final List<ContractCheck> checks = new ArrayList<>();

    private LibraryVerifier(Path library, Path image) {
        this.library = library;
        this.image = image;
    }

    /**
     * Verifies {@code library}; with {@code image} (a vmlinux or raw Image, may be null) also
     * compares the payload. Fails with a usage error (exit 2) only when a file is missing or the
     * image is unusable; every finding about the library is a check in the result.
     */
    public static VerifyResult verify(Path library, Path image) {
        if (!Files.isRegularFile(library)) {
            throw KrunpackException.usage(library + ": library not found");
        }
        if (image != null && !Files.isRegularFile(image)) {
            throw KrunpackException.usage(image + ": kernel image (--image) not found");
        }
        LibraryVerifier v = new LibraryVerifier(library, image);
        v.run();
        return new VerifyResult(library, image, v.checks);
    }

    private void add(ContractCheck c) {
        checks.add(c);
    }

    private void run() {
        ElfFile elf;
        try {
            elf = ElfFile.read(library);
        } catch (KrunpackException e) {
            add(ContractCheck.fail("elf", e.getMessage()));
            return;
        }
        int machine = elf.header().machine();
        add(ContractCheck.of("elf", elf.header().type() == Elf.ET_DYN, "ELF64 little-endian, "
                + Elf.typeName(elf.header().type()) + (elf.header().type() == Elf.ET_DYN ? " (shared object)"
                : ", expected ET_DYN (a shared object)") + ", " + Elf.machineName(machine)));

        // Static checks: names and symbols.
        String soname = elf.soname();
        Matcher m = soname == null ? null : SONAME.matcher(soname);
        boolean sonameOk = m != null && m.matches();
        String variant = sonameOk && m.group(2) != null ? m.group(2) : "generic";
        int abi = sonameOk ? parseAbi(m.group(3)) : -1;
        add(ContractCheck.of("soname", sonameOk, soname == null ? "no DT_SONAME"
                : "DT_SONAME " + soname + (sonameOk ? " (variant " + variant + ", ABI " + abi + ")"
                : ", expected libkrunfw[-sev|-tdx].so.<ABI>")));
        String fileName = realFileName();
        if (soname == null) {
            add(ContractCheck.skipped("file-name", fileName + ": no SONAME to compare with"));
        } else {
            boolean nameOk = fileName.equals(soname) || (fileName.startsWith(soname + ".")
                    && VERSION_TAIL.matcher(fileName.substring(soname.length())).matches());
            add(ContractCheck.of("file-name", nameOk, "file " + fileName + (nameOk ? " carries" : " does not carry")
                    + " SONAME " + soname + (nameOk ? "" : " (expected " + soname + "[.<minor>...])")));
        }
        boolean tee = !"generic".equals(variant);
        List<String> functions = new ArrayList<>(List.of("krunfw_get_kernel", "krunfw_get_version"));
        if (tee) {
            functions.add("krunfw_get_qboot");
            functions.add("krunfw_get_initrd");
        }
        List<String> missing = new ArrayList<>();
        for (String f : functions) {
            Optional<ElfSymbol> s = elf.exportedSymbol(f);
            if (s.isEmpty() || !s.get().isFunction()) {
                missing.add(f);
            }
        }
        add(ContractCheck.of("exports", missing.isEmpty(), missing.isEmpty() ? "exports " + String.join(", ", functions)
                : "does not export function" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)));
        List<String> arrays = new ArrayList<>(List.of("KERNEL_BUNDLE"));
        if (tee) {
            arrays.add("QBOOT_BUNDLE");
            arrays.add("INITRD_BUNDLE");
        }
        for (String a : arrays) {
            add(arrayCheck(elf, a));
        }

        // Run-time checks: call the functions.
        Arch host = Bundler.hostArch();
        int hostMachine = host == null ? -1 : switch (host) {
            case X86_64 -> Elf.EM_X86_64;
            case AARCH64 -> Elf.EM_AARCH64;
            case RISCV64 -> Elf.EM_RISCV;
        };
        KernelPayload payload = null;
        if (image != null) {
            payload = KernelPayload.of(image, machine == Elf.EM_X86_64 ? Arch.X86_64
                    : machine == Elf.EM_RISCV ? Arch.RISCV64 : Arch.AARCH64);
        }
        if (machine != hostMachine || elf.header().type() != Elf.ET_DYN) {
            add(ContractCheck.skipped("load", "cannot dlopen a " + Elf.machineName(machine) + " "
                    + Elf.typeName(elf.header().type()) + " on this " + System.getProperty("os.arch")
                    + " host: the calls were not made"));
            add(ContractCheck.fail("calls", "krunfw_get_kernel and krunfw_get_version could not be called"));
            return;
        }
        NativeBundle lib;
        try {
            lib = NativeBundle.open(library);
        } catch (UnsatisfiedLinkError e) {
            add(ContractCheck.fail("load", "dlopen failed: " + e.getMessage()));
            return;
        }
        try {
            add(ContractCheck.pass("load", "dlopen (RTLD_LAZY | RTLD_LOCAL) of " + library.toAbsolutePath().normalize()));
            runtime(elf, lib, abi, tee, payload);
        } finally {
            lib.close();
        }
    }

    private void runtime(ElfFile elf, NativeBundle lib, int abi, boolean tee, KernelPayload payload) {
        if (elf.exportedSymbol("krunfw_get_version").isPresent()) {
            int v = lib.version();
            if (abi < 0) {
                add(ContractCheck.fail("version", "krunfw_get_version() = " + v + "; no ABI in the SONAME to compare with"));
            } else {
                add(ContractCheck.of("version", v == abi, "krunfw_get_version() = " + v + (v == abi ? ", the SONAME's ABI"
                        : ", but the SONAME says ABI " + abi)));
            }
        } else {
            add(ContractCheck.skipped("version", "krunfw_get_version is not exported"));
        }
        Optional<ElfSymbol> getKernel = elf.exportedSymbol("krunfw_get_kernel");
        if (getKernel.isEmpty()) {
            add(ContractCheck.skipped("kernel", "krunfw_get_kernel is not exported"));
            return;
        }
        NativeBundle.Blob k = lib.kernel();
        long bias = lib.address("krunfw_get_kernel") - getKernel.get().value();
        boolean ptrOk = k.pointer() != 0 && k.pointer() % KernelPayload.ALIGN == 0;
        add(ContractCheck.of("kernel-pointer", ptrOk, "krunfw_get_kernel() = " + hex(k.pointer())
                + (k.pointer() == 0 ? " (NULL)" : ptrOk ? ", 65536-aligned" : ", not 65536-aligned (offset "
                + hex(k.pointer() % KernelPayload.ALIGN) + ")")));
        boolean sizeOk = k.size() > 0 && k.size() % KernelPayload.ALIGN == 0;
        add(ContractCheck.of("kernel-size", sizeOk, "size " + k.size() + " bytes" + (sizeOk ? ", a multiple of 64 KiB"
                : k.size() == 0 ? " (empty)" : ", not a multiple of 64 KiB")));
        // libkrun maps the payload at load_addr: it must be page-aligned. The entry is only a
        // register value (a 6.12 vmlinux has e_entry 0x1000123), it must lie inside the payload.
        boolean loadOk = k.loadAddr() % PAGE == 0;
        boolean inside = Long.compareUnsigned(k.entryAddr(), k.loadAddr()) >= 0
                && Long.compareUnsigned(k.entryAddr() - k.loadAddr(), k.size()) < 0;
        add(ContractCheck.of("addresses", loadOk && inside, "load_addr " + hex(k.loadAddr())
                + (loadOk ? " (page-aligned)" : " (not page-aligned)") + ", entry_addr " + hex(k.entryAddr())
                + (inside ? " inside the payload" : " outside [load_addr, load_addr + size)")));
        boolean readable = k.pointer() != 0 && k.size() > 0;
        if (readable) {
            readable = memoryCheck("kernel-memory", elf, bias, k, elf.exportedSymbol("KERNEL_BUNDLE"));
        } else {
            add(ContractCheck.skipped("kernel-memory", "no payload to look at"));
        }
        if (tee) {
            for (String[] g : new String[][] {{"qboot", "krunfw_get_qboot", "QBOOT_BUNDLE"},
                    {"initrd", "krunfw_get_initrd", "INITRD_BUNDLE"}}) {
                if (elf.exportedSymbol(g[1]).isEmpty()) {
                    add(ContractCheck.skipped(g[0], g[1] + " is not exported"));
                    continue;
                }
                NativeBundle.Blob b = lib.sized(g[1]);
                boolean ok = b.pointer() != 0 && b.size() > 0;
                add(ContractCheck.of(g[0], ok, g[1] + "() = " + hex(b.pointer()) + ", size " + b.size()));
                if (ok) {
                    memoryCheck(g[0] + "-memory", elf, bias, b, elf.exportedSymbol(g[2]));
                }
            }
        }
        if (payload != null) {
            compare(k, readable, payload);
        }
    }

    /** The returned memory must lie inside the library, in a writable segment and section. */
    private boolean memoryCheck(String name, ElfFile elf, long bias, NativeBundle.Blob b, Optional<ElfSymbol> sym) {
        long vaddr = b.pointer() - bias;
        Optional<ProgramHeader> seg = elf.loadSegmentContaining(vaddr, b.size());
        if (seg.isEmpty()) {
            add(ContractCheck.fail(name, "[" + hex(b.pointer()) + ", +" + b.size() + ") is not inside the library's"
                    + " PT_LOAD segments (library address " + hex(vaddr) + ")"));
            return false;
        }
        Optional<SectionHeader> sec = elf.sectionContaining(vaddr, b.size());
        boolean segW = seg.get().writable();
        boolean secW = sec.map(SectionHeader::writable).orElse(segW);
        String where = sec.map(s -> "section " + s.name() + (s.writable() ? " (SHF_WRITE)" : " (read-only)"))
                .orElse("no section header covers it");
        String symNote = sym.map(s -> s.value() == vaddr ? ", = " + s.name() : ", not at " + s.name() + " ("
                + hex(s.value()) + ")").orElse("");
        add(ContractCheck.of(name, segW && secW, "library address " + hex(vaddr) + " in a " + (segW ? "writable"
                : "read-only") + " PT_LOAD segment, " + where + symNote
                + (segW && secW ? "" : ": libkrun hands this memory to the guest, which writes to it")));
        return true;
    }

    private ContractCheck arrayCheck(ElfFile elf, String name) {
        Optional<ElfSymbol> s = elf.exportedSymbol(name);
        if (s.isEmpty()) {
            return ContractCheck.fail(name, "not exported (the contract exports the payload arrays as data symbols)");
        }
        ElfSymbol sym = s.get();
        Optional<SectionHeader> sec = elf.section(sym.sectionIndex());
        boolean writable;
        String where;
        if (sec.isPresent() && sym.sectionIndex() < Elf.SHN_LORESERVE) {
            writable = sec.get().writable();
            where = "in " + sec.get().name() + (writable ? " (SHF_WRITE)" : " (read-only: must be in a writable"
                    + " section such as .data)");
        } else {
            Optional<ProgramHeader> seg = elf.loadSegmentContaining(sym.value(), Math.max(sym.size(), 1));
            writable = seg.map(ProgramHeader::writable).orElse(false);
            where = seg.isPresent() ? "in a " + (writable ? "writable" : "read-only") + " PT_LOAD segment"
                    : "in no PT_LOAD segment";
        }
        boolean aligned = sym.value() % KernelPayload.ALIGN == 0;
        boolean object = sym.isObject();
        return ContractCheck.of(name, writable && aligned && object, (object ? "data object" : "not a data object (type "
                + sym.type() + ")") + " at " + hex(sym.value()) + (aligned ? " (65536-aligned)"
                : " (not 65536-aligned)") + ", " + sym.size() + " bytes, " + where);
    }

    /** Compares addresses, size and every byte with the payload derived from the image. */
    private void compare(NativeBundle.Blob k, boolean readable, KernelPayload payload) {
        boolean addrOk = k.loadAddr() == payload.loadAddr() && k.entryAddr() == payload.entryAddr();
        add(ContractCheck.of("image-addresses", addrOk, "library load " + hex(k.loadAddr()) + " entry "
                + hex(k.entryAddr()) + "; image load " + hex(payload.loadAddr()) + " entry "
                + hex(payload.entryAddr())));
        add(ContractCheck.of("image-size", k.size() == payload.size(), "library " + k.size() + " bytes; image payload "
                + payload.size() + " bytes"));
        if (!readable) {
            add(ContractCheck.skipped("image-bytes", "the library's payload cannot be read"));
            return;
        }
        Comparator cmp = new Comparator(k.pointer(), Math.min(k.size(), payload.size()));
        try {
            payload.writeTo(cmp);
        } catch (IOException e) {
            throw KrunpackException.usage(image + ": cannot read: " + e.getMessage());
        }
        String digest = HexFormat.of().formatHex(cmp.digest.digest());
        if (cmp.differing == 0 && k.size() == payload.size()) {
            add(ContractCheck.pass("image-bytes", payload.size() + " bytes equal to the payload of " + image
                    + " (sha512 " + digest.substring(0, 32) + "...)"));
        } else if (cmp.differing == 0) {
            add(ContractCheck.fail("image-bytes", "the first " + cmp.limit + " bytes are equal, but the sizes differ"));
        } else {
            add(ContractCheck.fail("image-bytes", cmp.differing + " of " + cmp.limit + " bytes differ, the first at offset "
                    + hex(cmp.firstDifference)));
        }
    }

    /** A channel that compares what is written with the library's memory. */
    private static final class Comparator implements WritableByteChannel {
        final long address;
        final long limit;
        final MessageDigest digest = Digests.md("SHA-512");
        long position;
        long differing;
        long firstDifference = -1;
        private final byte[] mine = new byte[1 << 16];
        private final byte[] theirs = new byte[1 << 16];

        Comparator(long address, long limit) {
            this.address = address;
            this.limit = limit;
        }

        @Override
        public int write(ByteBuffer src) {
            int total = src.remaining();
            while (src.hasRemaining()) {
                int n = Math.min(src.remaining(), mine.length);
                src.get(mine, 0, n);
                digest.update(mine, 0, n);
                int cmpLen = (int) Math.max(0, Math.min(n, limit - position));
                if (cmpLen > 0) {
                    NativeBundle.read(address, position, theirs, cmpLen);
                    for (int i = 0; i < cmpLen; i++) {
                        if (mine[i] != theirs[i]) {
                            if (firstDifference < 0) {
                                firstDifference = position + i;
                            }
                            differing++;
                        }
                    }
                }
                position += n;
            }
            return total;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private String realFileName() {
        try {
            return library.toRealPath().getFileName().toString();
        } catch (IOException e) {
            return library.getFileName().toString();
        }
    }

    private static int parseAbi(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
