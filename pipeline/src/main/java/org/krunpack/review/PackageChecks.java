package org.krunpack.review;

import org.krunpack.core.KrunpackException;
import org.krunpack.elf.Elf;
import org.krunpack.elf.ElfFile;
import org.krunpack.elf.ElfSymbol;
import org.krunpack.rpm.RpmDependency;
import org.krunpack.rpm.RpmFileEntry;
import org.krunpack.rpm.RpmPackage;
import org.krunpack.rpm.RpmPayload;
import org.krunpack.rpm.RpmTag;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The checks decided from an RPM's header and payload, read in pure Java. */
final class PackageChecks {
    private static final Pattern BOOT = Pattern.compile("^(/boot|/lib/modules|/usr/lib/modules)(/|$)");
    private static final Pattern KO = Pattern.compile("\\.ko(\\.(xz|zst|gz|bz2))?$");
    private static final Pattern LIBKRUNFW = Pattern.compile("^/usr/lib(64)?/libkrunfw(-[a-z0-9]+)?\\.so\\.[0-9][0-9.]*$");
    private static final Pattern SONAME = Pattern.compile("^libkrunfw(-[a-z0-9]+)?\\.so\\.[0-9]+$");
    private static final Pattern BINARY_NAME = Pattern.compile("\\.(o|a|so|so\\.[0-9.]+|jar|class|exe|dll|pyc|elf)$");

    private final RpmPackage pkg;
    private final String subject;
    private final Licenses licenses;
    private final BundleContractCheck bundle;
    private final List<Finding> out = new ArrayList<>();

    PackageChecks(RpmPackage pkg, String subject, Licenses licenses, BundleContractCheck bundle) {
        this.pkg = pkg;
        this.subject = subject;
        this.licenses = licenses;
        this.bundle = bundle;
    }

    /** A payload file's first bytes (all of it for ELF files), in archive order. */
    record Content(String path, long size, byte[] head, byte[] whole) {
    }

    List<Finding> run() {
        license();
        if (pkg.source()) {
            srpm();
        } else {
            binary();
        }
        return out;
    }

    private void license() {
        Licenses.Result r = licenses.check(pkg.license());
        out.add(r.ok() ? Finding.pass(Rule.LICENSE_SPDX, subject, "SPDX, every identifier allowed",
                List.of("header License: " + pkg.license()))
                : Finding.fail(Rule.LICENSE_SPDX, subject, "License is not an allowed SPDX expression",
                r.problems().stream().map(p -> "header License: " + pkg.license() + " -> " + p).toList()));
    }

    // --- source packages ---------------------------------------------------------------------

    private void srpm() {
        Map<String, byte[]> heads = new LinkedHashMap<>();
        RpmPayload.forEach(pkg, (path, mode, size, in) -> heads.put(path.replaceFirst("^/", ""), in.readNBytes(8)));
        List<String> bad = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : heads.entrySet()) {
            byte[] h = e.getValue();
            String name = e.getKey();
            if (ElfFile.hasElfMagic(h)) {
                bad.add(name + " -> ELF object");
            } else if (h.length >= 8 && new String(h, 0, 8, java.nio.charset.StandardCharsets.ISO_8859_1).equals("!<arch>\n")) {
                bad.add(name + " -> static archive");
            } else if (h.length >= 2 && h[0] == 'M' && h[1] == 'Z') {
                bad.add(name + " -> PE executable");
            } else if (BINARY_NAME.matcher(name).find()) {
                bad.add(name + " -> name of a prebuilt binary");
            }
        }
        out.add(bad.isEmpty() ? Finding.pass(Rule.PREBUILT_BINARIES, subject,
                heads.size() + " files, none prebuilt (tarball contents not inspected)", List.of())
                : Finding.fail(Rule.PREBUILT_BINARIES, subject, "prebuilt binaries in the SRPM", bad));

        List<String> declared = new ArrayList<>(pkg.header().strings(RpmTag.SOURCE));
        declared.addAll(pkg.header().strings(RpmTag.PATCH));
        List<String> missing = declared.stream().filter(f -> !heads.containsKey(f))
                .map(f -> f + " -> named in the header, missing from the payload").toList();
        out.add(missing.isEmpty() ? Finding.pass(Rule.COMPLETE_SOURCE, subject,
                declared.size() + " sources and patches present", declared)
                : Finding.fail(Rule.COMPLETE_SOURCE, subject, "incomplete source", missing));

        if (SpecChecks.isLibkrunfw(pkg.name())) {
            Optional<String> tarball = pkg.header().strings(RpmTag.SOURCE).stream()
                    .filter(f -> f.matches("linux-[0-9][^/]*\\.tar\\.(xz|gz|bz2)")).findFirst();
            if (tarball.isPresent() && heads.containsKey(tarball.get())) {
                out.add(Finding.pass(Rule.KERNEL_TARBALL, subject, "pristine kernel tarball inside the SRPM",
                        List.of(tarball.get())));
            } else {
                out.add(Finding.fail(Rule.KERNEL_TARBALL, subject, tarball.map(t -> t + " is declared but not in the payload")
                        .orElse("no linux-X.Y.Z.tar.* Source in the SRPM"), List.of()));
            }
        }
    }

    // --- binary packages ---------------------------------------------------------------------

    private boolean isDevel() {
        return pkg.name().endsWith("-devel");
    }

    private void binary() {
        List<RpmFileEntry> files = pkg.files();
        String base = pkg.sourceRpm().map(s -> s.replaceFirst("-[^-]+-[^-]+\\.(no)?src\\.rpm$", "")).orElse(pkg.name());
        if (pkg.name().equals(base)) {
            List<String> lic = files.stream().filter(RpmFileEntry::isLicense).map(RpmFileEntry::path).toList();
            out.add(lic.isEmpty() ? Finding.fail(Rule.LICENSE_FILES, subject, "no file marked %license",
                    List.of("none of the " + files.size() + " files has the %license flag (RPMFILE_LICENSE): "
                            + String.join(", ", files.stream().map(RpmFileEntry::path).limit(5).toList())))
                    : Finding.pass(Rule.LICENSE_FILES, subject, "licence files marked %license", lic));
        } else {
            out.add(Finding.na(Rule.LICENSE_FILES, subject, "subpackage of " + base + " (the licence ships there)"));
        }

        if (!isDevel()) {
            List<String> bad = files.stream().map(RpmFileEntry::path)
                    .filter(p -> p.matches("^/usr/lib(64)?/[^/]+\\.so$") || p.startsWith("/usr/include/")
                            || p.endsWith(".pc"))
                    .map(p -> p + " -> belongs in a -devel package").toList();
            out.add(Finding.of(Rule.DEVEL_CONTENTS, subject, bad, "no development files", "development files outside -devel"));
        }

        List<String> ld = new ArrayList<>();
        pkg.scriptlets().forEach((k, s) -> {
            if (s.program().contains("ldconfig") || s.body().contains("ldconfig")) {
                ld.add("%" + k + " scriptlet: " + (s.program().isEmpty() ? "" : "-p " + s.program() + " ") + s.body().strip());
            }
        });
        out.add(Finding.of(Rule.NO_LDCONFIG, subject, ld, "no ldconfig scriptlets", "ldconfig scriptlets"));

        dlopen();
        if (SpecChecks.isLibkrunfw(pkg.name())) {
            exemption(files);
        }
    }

    private void dlopen() {
        String need = pkg.name().equals("libkrun") ? "libkrunfw" : pkg.name().equals("crun-krun") ? "libkrun" : null;
        if (need == null) {
            out.add(Finding.na(Rule.REQUIRES_DLOPEN, subject, "neither libkrun nor crun-krun"));
            return;
        }
        List<RpmDependency> r = pkg.requires().stream()
                .filter(d -> d.name().equals(need) || d.name().startsWith(need + "(")).toList();
        Optional<RpmDependency> isa = r.stream().filter(d -> d.name().matches(Pattern.quote(need) + "\\([a-z0-9_-]+\\)"))
                .findFirst();
        if (isa.isPresent()) {
            out.add(Finding.pass(Rule.REQUIRES_DLOPEN, subject, "requires " + isa.get().name(),
                    List.of("Requires: " + isa.get())));
        } else if (!r.isEmpty()) {
            out.add(Finding.fail(Rule.REQUIRES_DLOPEN, subject, pkg.name() + " requires " + need + " without its"
                    + " architecture (%{?_isa})", List.of("Requires: " + r.get(0) + " -> a " + need + " of another"
                    + " architecture satisfies it, and dlopen fails")));
        } else {
            out.add(Finding.fail(Rule.REQUIRES_DLOPEN, subject, pkg.name() + " dlopens " + need + " but does not require"
                    + " it", List.of("no Requires: " + need + "(<arch>) among " + pkg.requires().size() + " requirements")));
        }
    }

    private void exemption(List<RpmFileEntry> files) {
        List<String> boot = files.stream().map(RpmFileEntry::path).filter(p -> BOOT.matcher(p).find()).toList();
        out.add(boot.isEmpty() ? Finding.pass(Rule.NO_BOOT_FILES, subject, files.size() + " files, none under /boot or a modules directory", List.of())
                : Finding.fail(Rule.NO_BOOT_FILES, subject, "files where a kernel package installs", boot));
        List<String> ko = files.stream().map(RpmFileEntry::path).filter(p -> KO.matcher(p).find()).toList();
        out.add(ko.isEmpty() ? Finding.pass(Rule.NO_KERNEL_MODULES, subject, "no kernel modules", List.of())
                : Finding.fail(Rule.NO_KERNEL_MODULES, subject, "kernel modules shipped", ko));
        List<String> prov = pkg.provides().stream().filter(d -> d.name().startsWith("kernel"))
                .map(d -> "Provides: " + d).toList();
        out.add(prov.isEmpty() ? Finding.pass(Rule.NO_KERNEL_PROVIDES, subject, "no kernel* Provides",
                pkg.provides().stream().map(d -> "Provides: " + d).toList())
                : Finding.fail(Rule.NO_KERNEL_PROVIDES, subject, "kernel Provides", prov));
        Licenses.Result lr = licenses.check(pkg.license());
        out.add(lr.identifiers().contains("GPL-2.0-only")
                ? Finding.pass(Rule.GPL_LICENSE, subject, "License names GPL-2.0-only", List.of("header License: " + pkg.license()))
                : Finding.fail(Rule.GPL_LICENSE, subject, "License lacks GPL-2.0-only", List.of("header License: " + pkg.license())));

        List<Content> contents = new ArrayList<>();
        RpmPayload.forEach(pkg, (path, mode, size, in) -> {
            if ((mode & 0170000) != 0100000) {
                return;
            }
            contents.add(read(path, size, in));
        });
        List<String> bootable = new ArrayList<>();
        for (Content c : contents) {
            for (String s : BootImageScanner.scan(c.head(), c.whole())) {
                bootable.add(c.path() + " -> " + s);
            }
        }
        out.add(bootable.isEmpty() ? Finding.pass(Rule.NOT_BOOTABLE, subject,
                contents.size() + " regular files scanned: no bzImage, PE/EFI, UKI, multiboot(2) or ELF kernel image", List.of())
                : Finding.fail(Rule.NOT_BOOTABLE, subject, "a boot loader would accept", bootable));

        List<Content> libs = contents.stream().filter(c -> LIBKRUNFW.matcher(c.path()).matches()).toList();
        boolean mainPackage = !isDevel() && !pkg.name().endsWith("-debuginfo") && !pkg.name().endsWith("-debugsource");
        if (libs.isEmpty()) {
            Finding f = mainPackage ? Finding.fail(Rule.SHARED_OBJECT, subject, "no libkrunfw*.so.<version> in the package", List.of())
                    : Finding.na(Rule.SHARED_OBJECT, subject, "no library in this subpackage");
            out.add(f);
            out.add(mainPackage ? Finding.fail(Rule.BUNDLE_CONTRACT, subject, "no library to check", List.of())
                    : Finding.na(Rule.BUNDLE_CONTRACT, subject, "no library in this subpackage"));
            return;
        }
        List<String> soBad = new ArrayList<>();
        List<String> soGood = new ArrayList<>();
        for (Content c : libs) {
            ElfFile elf;
            try {
                elf = ElfFile.parse(c.path(), c.whole());
            } catch (KrunpackException e) {
                soBad.add(c.path() + " -> " + e.getMessage());
                continue;
            }
            if (elf.header().type() != Elf.ET_DYN) {
                soBad.add(c.path() + " -> ELF type " + Elf.typeName(elf.header().type()) + ", not ET_DYN (shared object)");
            } else if (elf.soname() == null) {
                soBad.add(c.path() + " -> shared object without SONAME");
            } else {
                String so = elf.soname();
                String file = c.path().substring(c.path().lastIndexOf('/') + 1);
                if (!SONAME.matcher(so).matches() || !file.startsWith(so)) {
                    soBad.add(c.path() + " -> SONAME " + so + " does not match libkrunfw[-variant].so.<ABI> and the file name");
                } else if (elf.exportedSymbol("krunfw_get_kernel").filter(ElfSymbol::isFunction).isEmpty()) {
                    soBad.add(c.path() + " -> exports no function krunfw_get_kernel: it does not hold a kernel bundle");
                } else {
                    soGood.add(c.path() + " -> ET_DYN, SONAME " + so + ", exports krunfw_get_kernel");
                }
            }
        }
        out.add(soBad.isEmpty() ? Finding.pass(Rule.SHARED_OBJECT, subject, "ELF shared object", soGood)
                : Finding.fail(Rule.SHARED_OBJECT, subject, "not a proper shared object", soBad));
        if (bundle == null) {
            out.add(Finding.notEvaluated(Rule.BUNDLE_CONTRACT, subject, "no verify-lib wired into review"));
            return;
        }
        List<String> problems = new ArrayList<>();
        List<String> open = new ArrayList<>();
        for (Content c : libs) {
            try {
                // keep the packaged file name: verify-lib checks it against the SONAME
                Path dir = Files.createTempDirectory("krunpack-review-");
                Path tmp = dir.resolve(c.path().substring(c.path().lastIndexOf('/') + 1));
                try {
                    Files.write(tmp, c.whole());
                    BundleContractCheck.Outcome o = bundle.check(tmp);
                    for (BundleContractCheck.Problem p : o.problems()) {
                        problems.add(c.path() + " -> " + p.what() + (p.evidence().isEmpty() ? "" : " (" + p.evidence() + ")"));
                    }
                    o.notEvaluated().forEach(w -> open.add(c.path() + " -> " + w));
                } finally {
                    Files.deleteIfExists(tmp);
                    Files.deleteIfExists(dir);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (!problems.isEmpty()) {
            out.add(Finding.fail(Rule.BUNDLE_CONTRACT, subject, "bundle contract broken", problems));
        } else if (!open.isEmpty()) {
            out.add(new Finding(Rule.BUNDLE_CONTRACT, subject, Verdict.NOT_EVALUATED,
                    "the static checks pass; the dlopen calls were not made", open));
        } else {
            out.add(Finding.pass(Rule.BUNDLE_CONTRACT, subject, "bundle contract holds",
                    libs.stream().map(Content::path).toList()));
        }
    }

    private static Content read(String path, long size, InputStream in) throws IOException {
        byte[] head = in.readNBytes(BootImageScanner.HEAD);
        if (ElfFile.hasElfMagic(head) && size > head.length) {
            byte[] rest = in.readAllBytes();
            byte[] whole = new byte[head.length + rest.length];
            System.arraycopy(head, 0, whole, 0, head.length);
            System.arraycopy(rest, 0, whole, head.length, rest.length);
            return new Content(path, size, head, whole);
        }
        return new Content(path, size, head, head);
    }
}
