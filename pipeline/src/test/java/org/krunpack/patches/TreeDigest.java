package org.krunpack.patches;

import org.krunpack.core.Digests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** A digest of a whole tree: every entry's path, type, mode and bytes (link targets for links). */
final class TreeDigest {
    private TreeDigest() {
    }

    static String of(Path root) throws IOException {
        MessageDigest md = Digests.md("SHA-256");
        List<Path> all;
        try (Stream<Path> s = Files.walk(root)) {
            all = s.sorted().toList();
        }
        for (Path p : all) {
            String rel = root.relativize(p).toString();
            String type = Files.isSymbolicLink(p) ? "l" : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "d" : "f";
            String mode = type.equals("l") ? "" : PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
            md.update((rel + "\0" + type + "\0" + mode + "\0").getBytes(StandardCharsets.UTF_8));
            if (type.equals("f")) {
                byte[] b = Files.readAllBytes(p);
                md.update(Long.toString(b.length).getBytes(StandardCharsets.UTF_8));
                md.update(b);
            } else if (type.equals("l")) {
                md.update(Files.readSymbolicLink(p).toString().getBytes(StandardCharsets.UTF_8));
            }
            md.update((byte) '\n');
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
