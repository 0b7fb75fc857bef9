package org.krunpack.specgen;

/**
 * Fedora's {@code sources} file for a package: {@code SHA512 (file) = hex} per Source, in order.
 * A Source whose digest is not known yet gets a visible {@code # FIXME} line instead, never a made-up
 * digest.
 */
public final class SourcesFile {
    private SourcesFile() {
    }

    public static String render(PackageModel p) {
        StringBuilder sb = new StringBuilder();
        for (PackageModel.Source s : p.sources()) {
            String file = Macros.sourceFileName(p, s);
            if (s.sha512().isEmpty()) {
                sb.append("# FIXME SHA512 (").append(file).append("): digest unknown; put the file in DIR and run:"
                        + " ./krunpack bump ").append(p.name()).append(' ').append(p.version());
                if (!p.kernel().isEmpty()) {
                    sb.append(" --kernel ").append(p.kernel());
                }
                sb.append(" --source-dir DIR\n");
            } else {
                sb.append("SHA512 (").append(file).append(") = ").append(s.sha512()).append('\n');
            }
        }
        return sb.toString();
    }
}
