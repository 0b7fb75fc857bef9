package org.krunpack.verify;

import org.krunpack.bundle.Bundler;
import org.krunpack.bundle.KernelPayload;
import org.krunpack.core.Digests;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Sandbox;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that a file is a compatible libkrunfw (docs/bundle.md, "verify-lib"), whoever built it.
 *
 * <ol>
 *   <li>Static checks on the file, never loading it: ELF type, SONAME and file name, exported
 *       functions in an executable segment, the payload arrays by address in a writable, file-backed
 *       PT_LOAD segment, and what ld.so would read before any code runs ({@link LoaderSafety}).</li>
 *   <li>Only when every static check passed: a real {@code dlopen} and calls of its functions by
 *       krunpack's C probe inside the {@link Sandbox} ({@link DlopenProbe}); krunpack's own process
 *       never loads the library. The bytes the library hands out are compared (SHA-256) with the
 *       file's bytes at that address.</li>
 *   <li>Given the kernel image, addresses, size and every byte are compared with the payload
 *       derived from it (read from the file at the address the library returned).</li>
 * </ol>
 * Every check is reported; none stops the others unless they depend on it.
 */
public final class LibraryVerifier {
    static final long PAGE = 4096;
    private static final Pattern SONAME = Pattern.compile("(libkrunfw(?:-(sev|tdx))?)\\.so\\.([0-9]+)");
    private static final Pattern VERSION_TAIL = Pattern.compile("(\\.[0-9]+)*");
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);

    private final Path library;
    private final Path image;
    private final Sandbox sandbox;
    private final Duration timeout;
    private final List<ContractCheck> checks = new ArrayList<>();

    private LibraryVerifier(Path library, Path image, Sandbox sandbox, Duration timeout) {
        this.library = library;
        this.image = image;
        this.sandbox = sandbox;
        this.timeout = timeout;
    }

    /**
     * Verifies {@code library} with the sandbox when this host has one; without one the run-time
     * checks are not evaluated. See {@link #verify(Path, Path, Sandbox)}.
     */
    public static VerifyResult verify(Path library, Path image) {
        return verify(library, image, Sandbox.forInputs(false));
    }

    /**
     * Verifies {@code library}; with {@code image} (a vmlinux or raw Image, may be null) also
     * compares the payload. The library's code runs only through {@code sandbox} (when it cannot
     * run, those checks are "not evaluated", naming why). Fails with a usage error (exit 2) only
     * when a file is missing or the image is unusable; every finding about the library is a check.
     */
    public static VerifyResult verify(Path library, Path image, Sandbox sandbox) {
        return verify(library, image, sandbox, PROBE_TIMEOUT);
    }

    /** As {@link #verify(Path, Path, Sandbox)}, the dlopen probe killed after {@code timeout}. */
    static VerifyResult verify(Path library, Path image, Sandbox sandbox, Duration timeout) {
        if (!Files.isRegularFile(library)) {
            String kind = org.krunpack.core.Inputs.kind(library);
            throw KrunpackException.usage(kind.equals("missing") ? library + ": library not found"
                    : "library FILE: " + library + " is " + kind + ", not a regular file; name the libkrunfw library");
        }
        if (image != null && !Files.isRegularFile(image)) {
            String kind = org.krunpack.core.Inputs.kind(image);
            throw KrunpackException.usage(kind.equals("missing") ? image + ": kernel image (--image) not found"
                    : "--image: " + image + " is " + kind + ", not a regular file; name the kernel image file");
        }
        LibraryVerifier v = new LibraryVerifier(library, image, sandbox, timeout);
        try {
            v.run();
        } catch (IOException e) {
            throw KrunpackException.usage(library + ": cannot read: " + e.getMessage());
        }
        return new VerifyResult(library, image, v.checks);
    }

    private void add(ContractCheck c) {
        checks.add(c);
    }

    private void run() throws IOException {
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
        add(exportsCheck(elf, functions));
        List<String> arrays = new ArrayList<>(List.of("KERNEL_BUNDLE"));
        if (tee) {
            arrays.add("QBOOT_BUNDLE");
            arrays.add("INITRD_BUNDLE");
        }
        try (LoadedImage mem = new LoadedImage(library, elf)) {
            for (String a : arrays) {
                add(arrayCheck(elf, a));
            }
            List<String> unsafe = LoaderSafety.check(elf, mem);
            add(ContractCheck.of("loader", unsafe.isEmpty(), unsafe.isEmpty()
                    ? elf.loadSegments().size() + " PT_LOAD segments; the dynamic section, symbol, hash, relocation and"
                    + " version tables lie inside them"
                    : String.join("; ", unsafe)));

            List<String> failedStatic = checks.stream().filter(ContractCheck::failed).map(ContractCheck::name).toList();
            if (!failedStatic.isEmpty()) {
                add(ContractCheck.skipped("load", "not loaded: the static checks failed (" + String.join(", ", failedStatic)
                        + "); krunpack never runs a library that fails them"));
                return;
            }
            int hostMachine = hostMachine();
            KernelPayload payload = null;
            if (image != null) {
                payload = KernelPayload.of(image, machine == Elf.EM_X86_64 ? Arch.X86_64
                        : machine == Elf.EM_RISCV ? Arch.RISCV64 : Arch.AARCH64);
            }
            DlopenProbe.Target target = DlopenProbe.Target.host();
            if (machine != hostMachine) {
                Arch foreign = machine == Elf.EM_AARCH64 ? Arch.AARCH64 : machine == Elf.EM_RISCV ? Arch.RISCV64
                        : machine == Elf.EM_X86_64 ? Arch.X86_64 : null;
                try {
                    if (foreign == null) {
                        throw KrunpackException.usage("no emulator for " + Elf.machineName(machine));
                    }
                    target = DlopenProbe.Target.foreign(foreign);
                } catch (KrunpackException e) {
                    add(ContractCheck.skipped("load", "cannot dlopen a " + Elf.machineName(machine) + " library on this "
                            + System.getProperty("os.arch") + " host: " + e.getMessage()));
                    add(ContractCheck.fail("calls", "krunfw_get_kernel and krunfw_get_version could not be called"));
                    return;
                }
            }
            if (!sandbox.canRun()) {
                add(ContractCheck.notEvaluated("load", sandbox.whyNot()));
                if (payload != null) {
                    add(ContractCheck.notEvaluated("image-bytes", "needs the pointer krunfw_get_kernel returns"));
                }
                return;
            }
            try {
                DlopenProbe.executable(target);
            } catch (KrunpackException e) {
                add(ContractCheck.notEvaluated("load", "krunpack's dlopen probe is not available: " + e.getMessage()));
                return;
            }
            DlopenProbe.Report report = DlopenProbe.run(library, sandbox, timeout, target);
            runtime(elf, mem, report, abi, tee, payload);
        }
    }

    private static int hostMachine() {
        Arch host = Bundler.hostArch();
        return host == null ? -1 : switch (host) {
            case X86_64 -> Elf.EM_X86_64;
            case AARCH64 -> Elf.EM_AARCH64;
            case RISCV64 -> Elf.EM_RISCV;
        };
    }

    /** Exported as functions, each inside an executable PT_LOAD segment. */
    private static ContractCheck exportsCheck(ElfFile elf, List<String> functions) {
        List<String> missing = new ArrayList<>();
        List<String> misplaced = new ArrayList<>();
        for (String f : functions) {
            Optional<ElfSymbol> s = elf.exportedSymbol(f);
            if (s.isEmpty() || !s.get().isFunction()) {
                missing.add(f);
                continue;
            }
            Optional<ProgramHeader> seg = elf.loadSegmentContaining(s.get().value(), Math.max(1, s.get().size()));
            if (seg.isEmpty() || (seg.get().flags() & Elf.PF_X) == 0) {
                misplaced.add(f + " at " + hex(s.get().value()) + (seg.isEmpty() ? " (in no PT_LOAD segment)"
                        : " (in a non-executable segment)"));
            }
        }
        List<String> ev = new ArrayList<>();
        if (!missing.isEmpty()) {
            ev.add("does not export function" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing));
        }
        if (!misplaced.isEmpty()) {
            ev.add("exported outside executable code: " + String.join(", ", misplaced));
        }
        return ContractCheck.of("exports", ev.isEmpty(), ev.isEmpty() ? "exports " + String.join(", ", functions)
                : String.join("; ", ev));
    }

    /**
     * A payload array, by its address: a 64 KiB-aligned data object inside a writable PT_LOAD
     * segment's file contents (the section its st_shndx names must be the one holding the address).
     */
    private static ContractCheck arrayCheck(ElfFile elf, String name) {
        Optional<ElfSymbol> s = elf.exportedSymbol(name);
        if (s.isEmpty()) {
            return ContractCheck.fail(name, "not exported (the contract exports the payload arrays as data symbols)");
        }
        ElfSymbol sym = s.get();
        long len = Math.max(sym.size(), 1);
        List<String> wrong = new ArrayList<>();
        Optional<ProgramHeader> seg = elf.loadSegmentContaining(sym.value(), len);
        Optional<SectionHeader> sec = elf.sectionContaining(sym.value(), len);
        String where;
        if (seg.isEmpty()) {
            where = "in no PT_LOAD segment (the file maps " + segmentsText(elf) + ")";
            wrong.add("outside");
        } else {
            ProgramHeader p = seg.get();
            boolean fileBacked = Long.compareUnsigned(sym.value() - p.vaddr(), p.filesz()) <= 0
                    && Long.compareUnsigned(len, p.filesz() - (sym.value() - p.vaddr())) <= 0;
            if (sec.isPresent()) {
                SectionHeader h = sec.get();
                where = "in " + h.name() + (h.writable() ? " (SHF_WRITE)" : " (read-only: must be in a writable"
                        + " section such as .data)");
                if (!h.writable()) {
                    wrong.add("read-only");
                }
                if (sym.sectionIndex() < Elf.SHN_LORESERVE && sym.sectionIndex() != h.index()) {
                    where += "; st_shndx " + sym.sectionIndex() + elf.section(sym.sectionIndex())
                            .map(x -> " (" + x.name() + ")").orElse(" (no such section)")
                            + " disagrees with the address";
                    wrong.add("shndx");
                }
            } else {
                where = "in a " + (p.writable() ? "writable" : "read-only") + " PT_LOAD segment, no section header"
                        + " covers it";
            }
            if (!p.writable()) {
                where += "; its PT_LOAD segment is read-only";
                wrong.add("segment");
            }
            if (!fileBacked) {
                where += "; it extends past the segment's file contents (p_filesz): those bytes would be zeros";
                wrong.add("nobits");
            }
        }
        boolean aligned = sym.value() % KernelPayload.ALIGN == 0;
        boolean object = sym.isObject();
        return ContractCheck.of(name, wrong.isEmpty() && aligned && object, (object ? "data object"
                : "not a data object (type " + sym.type() + ")") + " at " + hex(sym.value())
                + (aligned ? " (65536-aligned)" : " (not 65536-aligned)") + ", " + sym.size() + " bytes, " + where);
    }

    private static String segmentsText(ElfFile elf) {
        List<String> out = new ArrayList<>();
        for (ProgramHeader p : elf.loadSegments()) {
            out.add("[" + hex(p.vaddr()) + ", " + hex(p.vaddr() + p.memsz()) + ")");
        }
        return out.isEmpty() ? "nothing" : String.join(" ", out);
    }

    private void runtime(ElfFile elf, LoadedImage mem, DlopenProbe.Report r, int abi, boolean tee,
                         KernelPayload payload) throws IOException {
        String how = r.raw().sandboxed() ? "in the sandbox (bubblewrap)" : "unsandboxed (--trust-inputs)";
        if (!r.loaded()) {
            String why = r.dlopenError() != null ? "dlopen failed: " + r.dlopenError()
                    : "dlopen crashed: " + r.end() + " while ld.so loaded it or its constructors ran"
                    + stderrTail(r);
            add(ContractCheck.fail("load", why + " (" + how + ")"));
            sideEffects(r);
            return;
        }
        add(ContractCheck.pass("load", "dlopen (RTLD_LAZY | RTLD_LOCAL) of " + library.toAbsolutePath().normalize()
                + " " + how + ", in krunpack's probe, " + r.raw().millis() + " ms"));
        if (r.crashed()) {
            add(ContractCheck.fail("calls", "the library " + r.end() + " after it was loaded, while its functions ran"
                    + stderrTail(r)));
        }
        sideEffects(r);
        if (elf.exportedSymbol("krunfw_get_version").isPresent()) {
            if (r.version() == null) {
                add(ContractCheck.fail("version", "krunfw_get_version() did not return"));
            } else if (abi < 0) {
                add(ContractCheck.fail("version", "krunfw_get_version() = " + r.version()
                        + "; no ABI in the SONAME to compare with"));
            } else {
                int v = r.version();
                add(ContractCheck.of("version", v == abi, "krunfw_get_version() = " + v + (v == abi ? ", the SONAME's ABI"
                        : ", but the SONAME says ABI " + abi)));
            }
        } else {
            add(ContractCheck.skipped("version", "krunfw_get_version is not exported"));
        }
        DlopenProbe.Blob k = r.kernel();
        if (k == null) {
            add(ContractCheck.fail("kernel", "krunfw_get_kernel() did not return"));
            return;
        }
        long bias = r.bias();
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
        boolean readable = k.pointer() != 0 && k.size() > 0
                && memoryCheck("kernel-memory", elf, mem, bias, k, elf.exportedSymbol("KERNEL_BUNDLE"));
        if (k.pointer() == 0 || k.size() == 0) {
            add(ContractCheck.skipped("kernel-memory", "no payload to look at"));
        }
        if (tee) {
            for (String[] g : new String[][] {{"qboot", "krunfw_get_qboot", "QBOOT_BUNDLE"},
                    {"initrd", "krunfw_get_initrd", "INITRD_BUNDLE"}}) {
                DlopenProbe.Blob b = r.blobs().get(g[0]);
                if (b == null) {
                    add(ContractCheck.fail(g[0], g[1] + "() did not return"));
                    continue;
                }
                // libkrunfw's bundles round each blob up to 64 KiB; libkrun puts the initrd that
                // many bytes below the end of guest RAM, so another size would misalign it
                boolean ok = b.pointer() != 0 && b.size() > 0 && b.size() % KernelPayload.ALIGN == 0;
                add(ContractCheck.of(g[0], ok, g[1] + "() = " + hex(b.pointer()) + ", size " + b.size()
                        + (b.size() == 0 ? " (empty)" : b.size() % KernelPayload.ALIGN == 0 ? ", a multiple of 64 KiB"
                        : ", not a multiple of 64 KiB (libkrunfw pads each blob to one)")));
                if (ok) {
                    memoryCheck(g[0] + "-memory", elf, mem, bias, b, elf.exportedSymbol(g[2]));
                }
            }
        }
        if (payload != null) {
            compare(mem, bias, k, readable, payload);
        }
    }

    private static String stderrTail(DlopenProbe.Report r) {
        if (r.stderr().isBlank()) {
            return "";
        }
        String[] lines = r.stderr().split("\n");
        return "; stderr: " + String.join(" | ", List.of(lines).subList(Math.max(0, lines.length - 3), lines.length));
    }

    /** Files written or text printed while the library was loaded and called: libkrunfw does neither. */
    private void sideEffects(DlopenProbe.Report r) {
        List<String> seen = new ArrayList<>();
        if (!r.createdFiles().isEmpty()) {
            seen.add("wrote " + r.createdFiles().size() + " file(s) in the sandbox's scratch directory: "
                    + String.join(", ", r.createdFiles().subList(0, Math.min(5, r.createdFiles().size()))));
        }
        if (!r.stray().isEmpty()) {
            seen.add("printed " + r.stray().size() + " line(s) on stdout: " + String.join(" | ",
                    r.stray().subList(0, Math.min(3, r.stray().size()))));
        }
        add(ContractCheck.of("side-effects", seen.isEmpty(), seen.isEmpty()
                ? "loading it and calling its functions wrote no file and printed nothing"
                : "while loaded it " + String.join("; ", seen) + " (nothing outside the scratch directory was writable)"));
    }

    /**
     * The returned memory must lie inside the library, in a writable segment and section, and hold
     * the file's bytes at that address (the probe's SHA-256 against the file's).
     */
    private boolean memoryCheck(String name, ElfFile elf, LoadedImage mem, long bias, DlopenProbe.Blob b,
                                Optional<ElfSymbol> sym) throws IOException {
        long vaddr = b.pointer() - bias;
        Optional<ProgramHeader> seg = elf.loadSegmentContaining(vaddr, b.size());
        if (seg.isEmpty() || b.outside()) {
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
        MessageDigest d = Digests.md("SHA-256");
        mem.stream(vaddr, b.size(), d::update);
        String fileSha = HexFormat.of().formatHex(d.digest());
        boolean same = b.sha256().map(fileSha::equals).orElse(false);
        String content = b.sha256().isEmpty() ? "; the probe did not read the bytes"
                : same ? "; its " + b.size() + " bytes equal the file's (sha256 " + fileSha.substring(0, 16) + "...)"
                : "; its bytes differ from the file's at that address (sha256 " + b.sha256().get().substring(0, 16)
                + "... in memory, " + fileSha.substring(0, 16) + "... in the file): code changed them when loaded";
        boolean ok = segW && secW && same;
        add(ContractCheck.of(name, ok, "library address " + hex(vaddr) + " in a " + (segW ? "writable"
                : "read-only") + " PT_LOAD segment, " + where + symNote + content
                + (segW && secW ? "" : ": libkrun hands this memory to the guest, which writes to it")));
        return true;
    }

    /** Compares addresses, size and every byte (the file's, at the returned address) with the image's payload. */
    private void compare(LoadedImage mem, long bias, DlopenProbe.Blob k, boolean readable, KernelPayload payload)
            throws IOException {
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
        Comparator cmp = new Comparator(mem, k.pointer() - bias, Math.min(k.size(), payload.size()));
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

    /** A channel that compares what is written with the library's bytes at {@code vaddr}. */
    private static final class Comparator implements WritableByteChannel {
        final LoadedImage mem;
        final long vaddr;
        final long limit;
        final MessageDigest digest = Digests.md("SHA-512");
        long position;
        long differing;
        long firstDifference = -1;
        private final byte[] mine = new byte[1 << 16];
        private final ByteBuffer theirs = ByteBuffer.allocate(1 << 16);

        Comparator(LoadedImage mem, long vaddr, long limit) {
            this.mem = mem;
            this.vaddr = vaddr;
            this.limit = limit;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int total = src.remaining();
            while (src.hasRemaining()) {
                int n = Math.min(src.remaining(), mine.length);
                src.get(mine, 0, n);
                digest.update(mine, 0, n);
                int cmpLen = (int) Math.max(0, Math.min(n, limit - position));
                if (cmpLen > 0) {
                    theirs.clear().limit(cmpLen);
                    ProgramHeader seg = mem.segment(vaddr + position, cmpLen).orElseThrow();
                    mem.readInto(seg, vaddr + position, theirs);
                    for (int i = 0; i < cmpLen; i++) {
                        if (mine[i] != theirs.get(i)) {
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
