package org.krunpack.rpm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An RPM file read in pure Java: the lead, the signature header and the main header, with the
 * facts review needs. The payload is read separately by {@link RpmPayload}.
 *
 * @param payloadOffset byte offset of the compressed payload in the file
 */
public record RpmPackage(Path file, boolean source, RpmHeader signature, RpmHeader header, long payloadOffset) {
    private static final int LEAD = 96;

    /** Reads the lead and both headers. Throws {@link RpmFormatException} for anything malformed. */
    public static RpmPackage read(Path file) {
        String where = file.toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer lead = readFully(ch, 0, LEAD, where + ": lead");
            if ((lead.get(0) & 0xff) != 0xed || (lead.get(1) & 0xff) != 0xab
                    || (lead.get(2) & 0xff) != 0xee || (lead.get(3) & 0xff) != 0xdb) {
                throw new RpmFormatException(where + ": not an RPM (no lead magic ed ab ee db)");
            }
            int leadMajor = lead.get(4) & 0xff;
            if (leadMajor != 3 && leadMajor != 4) {
                throw new RpmFormatException(where + ": unsupported RPM format version " + leadMajor);
            }
            boolean source = lead.getShort(6) == 1;
            long pos = LEAD;
            RpmHeader sig = readHeader(ch, pos, where + ": signature header");
            pos += sig.length();
            pos += (8 - (sig.length() % 8)) % 8; // the signature is padded to 8 bytes
            RpmHeader hdr = readHeader(ch, pos, where + ": header");
            pos += hdr.length();
            if (hdr.has(RpmTag.SOURCEPACKAGE)) {
                source = true;
            }
            return new RpmPackage(file, source, sig, hdr, pos);
        } catch (NoSuchFileException e) {
            throw new RpmFormatException(where + ": no such file");
        } catch (IOException e) {
            throw new RpmFormatException(where + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static RpmHeader readHeader(FileChannel ch, long pos, String where) throws IOException {
        ByteBuffer intro = readFully(ch, pos, 16, where);
        long nindex = Integer.toUnsignedLong(intro.getInt(8));
        long hsize = Integer.toUnsignedLong(intro.getInt(12));
        if (nindex > RpmHeader.MAX_ENTRIES || hsize > RpmHeader.MAX_DATA) {
            // let the parser produce the message
            return RpmHeader.parse(intro, where);
        }
        int len = (int) (16 + nindex * 16 + hsize);
        ByteBuffer all = readFully(ch, pos, len, where);
        return RpmHeader.parse(all, where);
    }

    private static ByteBuffer readFully(FileChannel ch, long pos, int len, String where) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + b.position());
            if (n < 0) {
                throw new RpmFormatException(where + ": truncated at byte " + (pos + b.position())
                        + " (needed " + len + " bytes from " + pos + ")");
            }
        }
        b.flip();
        return b;
    }

    public String name() {
        return header.string(RpmTag.NAME).orElse("");
    }

    public String version() {
        return header.string(RpmTag.VERSION).orElse("");
    }

    public String release() {
        return header.string(RpmTag.RELEASE).orElse("");
    }

    /** The epoch, when the package has one. */
    public Optional<Long> epoch() {
        long[] e = header.longs(RpmTag.EPOCH);
        return e.length == 0 ? Optional.empty() : Optional.of(e[0]);
    }

    /** The architecture; "src" for a source package (like rpm's {@code %{ARCH}} shows "x86_64" there too). */
    public String arch() {
        return header.string(RpmTag.ARCH).orElse("");
    }

    public String license() {
        return header.string(RpmTag.LICENSE).orElse("");
    }

    public String summary() {
        return header.string(RpmTag.SUMMARY).orElse("");
    }

    public Optional<String> sourceRpm() {
        return header.string(RpmTag.SOURCERPM);
    }

    /** "gzip" when the header names none (rpm's default). */
    public String payloadCompressor() {
        return header.string(RpmTag.PAYLOADCOMPRESSOR).orElse("gzip");
    }

    /** name-version-release.arch, or name-version-release.src for a source package. */
    public String nevra() {
        return name() + "-" + epoch().map(e -> e + ":").orElse("") + version() + "-" + release() + "."
                + (source ? "src" : arch());
    }

    /** The file list, from BASENAMES/DIRNAMES/DIRINDEXES with modes, sizes, flags and link targets. */
    public List<RpmFileEntry> files() {
        List<String> base = header.strings(RpmTag.BASENAMES);
        List<String> dirs = header.strings(RpmTag.DIRNAMES);
        long[] idx = header.longs(RpmTag.DIRINDEXES);
        long[] modes = header.longs(RpmTag.FILEMODES);
        long[] sizes = header.has(RpmTag.LONGFILESIZES) ? header.longs(RpmTag.LONGFILESIZES)
                : header.longs(RpmTag.FILESIZES);
        long[] flags = header.longs(RpmTag.FILEFLAGS);
        List<String> links = header.strings(RpmTag.FILELINKTOS);
        int n = base.size();
        if (idx.length != n || modes.length != n || sizes.length != n) {
            throw new RpmFormatException(file + ": file list is inconsistent (" + n + " basenames, "
                    + idx.length + " dir indexes, " + modes.length + " modes, " + sizes.length + " sizes)");
        }
        List<RpmFileEntry> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (idx[i] < 0 || idx[i] >= dirs.size()) {
                throw new RpmFormatException(file + ": file " + base.get(i) + " has dir index " + idx[i]
                        + " but there are " + dirs.size() + " dirnames");
            }
            out.add(new RpmFileEntry(dirs.get((int) idx[i]) + base.get(i), (int) modes[i], sizes[i],
                    i < flags.length ? (int) flags[i] : 0, i < links.size() ? links.get(i) : ""));
        }
        return out;
    }

    public List<RpmDependency> provides() {
        return deps(RpmTag.PROVIDENAME, RpmTag.PROVIDEFLAGS, RpmTag.PROVIDEVERSION);
    }

    public List<RpmDependency> requires() {
        return deps(RpmTag.REQUIRENAME, RpmTag.REQUIREFLAGS, RpmTag.REQUIREVERSION);
    }

    private List<RpmDependency> deps(int nameTag, int flagsTag, int versionTag) {
        List<String> names = header.strings(nameTag);
        long[] flags = header.longs(flagsTag);
        List<String> versions = header.strings(versionTag);
        List<RpmDependency> out = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            out.add(new RpmDependency(names.get(i), i < flags.length ? (int) flags[i] : 0,
                    i < versions.size() ? versions.get(i) : ""));
        }
        return out;
    }

    /** A scriptlet: its body (may be empty when only a program is named) and its interpreter. */
    public record Scriptlet(String body, String program) {
    }

    /** Scriptlets by name ("pre", "post", "preun", "postun"); absent ones are left out. */
    public Map<String, Scriptlet> scriptlets() {
        Map<String, Scriptlet> out = new LinkedHashMap<>();
        int[][] pairs = {{RpmTag.PREIN, RpmTag.PREINPROG}, {RpmTag.POSTIN, RpmTag.POSTINPROG},
                {RpmTag.PREUN, RpmTag.PREUNPROG}, {RpmTag.POSTUN, RpmTag.POSTUNPROG}};
        String[] names = {"pre", "post", "preun", "postun"};
        for (int i = 0; i < pairs.length; i++) {
            Optional<String> body = header.string(pairs[i][0]);
            List<String> prog = header.strings(pairs[i][1]);
            if (body.isPresent() || !prog.isEmpty()) {
                out.put(names[i], new Scriptlet(body.orElse(""), String.join(" ", prog)));
            }
        }
        return out;
    }
}
