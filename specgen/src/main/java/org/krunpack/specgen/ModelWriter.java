package org.krunpack.specgen;

import java.util.List;

/**
 * Writes a model back as YAML in one canonical layout (fixed key order, double-quoted strings, empty
 * fields left out), so {@code krunpack bump} can rewrite the file and the diff shows only what changed.
 * {@code ModelReader.parse(ModelWriter.write(m))} equals {@code m}.
 */
public final class ModelWriter {
    private static final String HEADER = """
            # krunpack packaging model: the one source of rpm/*.spec and rpm/*.sources.
            # Read by 'krunpack spec', rewritten by 'krunpack bump' (canonical layout: keep it;
            # comments other than this header are not kept). Reference: docs/specs.md.
            # What the project file states (libkrunfw's version, kernel, ABI and patch decisions) is not repeated here.
            """;

    private final StringBuilder out = new StringBuilder(HEADER);
    private final List<ProjectFacts> facts;

    private ModelWriter(List<ProjectFacts> facts) {
        this.facts = facts;
    }

    public static String write(PackagingModel model) {
        return write(model, List.of());
    }

    /** Writes the model leaving out what the project file states ({@link ProjectFacts}). */
    public static String write(PackagingModel model, List<ProjectFacts> facts) {
        ModelWriter w = new ModelWriter(facts);
        w.out.append("packages:\n");
        boolean first = true;
        for (PackageModel p : model.packages()) {
            if (!first) {
                w.out.append('\n');
            }
            first = false;
            w.pkg(p);
        }
        return w.out.toString();
    }

    private void pkg(PackageModel p) {
        String i = "    ";
        out.append("  ").append(p.name()).append(":\n");
        ProjectFacts f = ProjectFacts.of(facts, p.name());
        if (f == null) {
            scalar(i, "version", p.version());
        }
        scalar(i, "release", p.release());
        if (f == null || f.kernel().isEmpty()) {
            scalar(i, "kernel", p.kernel());
        }
        if (p.abi() >= 0 && f == null) {
            out.append(i).append("abi: ").append(p.abi()).append('\n');
        }
        scalar(i, "summary", p.summary());
        list(i, "description", p.description());
        scalar(i, "license", p.license());
        scalar(i, "distGitLicense", p.distGitLicense());
        list(i, "licenseFiles", p.licenseFiles());
        list(i, "docFiles", p.docFiles());
        scalar(i, "url", p.url());
        if (!p.sources().isEmpty()) {
            out.append(i).append("sources:\n");
            for (PackageModel.Source s : p.sources()) {
                out.append(i).append("  - url: ").append(q(s.url())).append('\n');
                out.append(i).append("    sha512: ").append(q(s.sha512())).append('\n');
                list(i + "    ", "comment", s.comment());
            }
        }
        if (!p.patches().isEmpty()) {
            out.append(i).append("patches:\n");
            for (PackageModel.Patch x : p.patches()) {
                out.append(i).append("  - file: ").append(q(x.file())).append('\n');
                scalar(i + "    ", "upstream", x.upstream());
            }
        }
        if (!p.arches().list().isEmpty()) {
            out.append(i).append("arches:\n");
            flow(i + "  ", "list", p.arches().list());
            scalar(i + "  ", "reason", p.arches().reason());
        }
        list(i, "buildRequires", p.buildRequires());
        if (!p.archBuildRequires().isEmpty()) {
            out.append(i).append("archBuildRequires:\n");
            for (PackageModel.ArchBuildRequires b : p.archBuildRequires()) {
                out.append(i).append("  - arches: ").append(flowValue(b.arches())).append('\n');
                flow(i + "    ", "requires", b.requires());
            }
        }
        if (!p.switches().isEmpty()) {
            out.append(i).append("switches:\n");
            for (PackageModel.Switch s : p.switches()) {
                String j = i + "    ";
                out.append(i).append("  - name: ").append(q(s.name())).append('\n');
                scalar(j, "default", s.defaultOn());
                if (!s.arches().isEmpty()) {
                    flow(j, "arches", s.arches());
                }
                scalar(j, "reason", s.reason());
                list(j, "buildRequires", s.buildRequires());
            }
        }
        if (!p.subpackages().isEmpty()) {
            out.append(i).append("subpackages:\n");
            for (PackageModel.Subpackage s : p.subpackages()) {
                String j = i + "    ";
                out.append(i).append("  - name: ").append(q(s.name())).append('\n');
                scalar(j, "summary", s.summary());
                list(j, "description", s.description());
                if (!s.arches().isEmpty()) {
                    flow(j, "arches", s.arches());
                }
                scalar(j, "bcond", s.bcond());
                if (!s.bcond().isEmpty()) {
                    out.append(j).append("bcondDefault: ").append(s.bcondDefault()).append('\n');
                }
                if (s.fedoraOnly()) {
                    out.append(j).append("fedoraOnly: true\n");
                }
                scalar(j, "reason", s.reason());
            }
        }
        if (!p.requires().isEmpty()) {
            out.append(i).append("requires:\n");
            for (PackageModel.Requirement r : p.requires()) {
                String j = i + "    ";
                out.append(i).append("  - name: ").append(q(r.name())).append('\n');
                scalar(j, "subpackage", r.subpackage());
                scalar(j, "version", r.version());
                scalar(j, "reason", r.reason());
            }
        }
        if (!p.cratesFile().isEmpty()) {
            scalar(i, "cratesFile", p.cratesFile());
        } else if (!p.crates().isEmpty()) {
            out.append(i).append("crates:\n");
            for (PackageModel.Crate c : p.crates()) {
                out.append(i).append("  - {name: ").append(q(c.name())).append(", version: ").append(q(c.version()))
                        .append(", license: ").append(q(c.license())).append("}\n");
            }
        }
        if (!p.bconds().isEmpty()) {
            out.append(i).append("bconds:\n");
            for (PackageModel.Bcond b : p.bconds()) {
                out.append(i).append("  - name: ").append(q(b.name())).append('\n');
                out.append(i).append("    default: ").append(b.defaultOn()).append('\n');
                scalar(i + "    ", "reason", b.reason());
            }
        }
        if (!p.extra().isEmpty()) {
            out.append(i).append("extra:\n");
            for (PackageModel.Extra e : p.extra()) {
                out.append(i).append("  - slot: ").append(q(e.slot())).append('\n');
                list(i + "    ", "lines", e.lines());
            }
        }
        if (!p.changelog().isEmpty()) {
            out.append(i).append("changelog:\n");
            for (PackageModel.ChangelogEntry e : p.changelog()) {
                String j = i + "    ";
                out.append(i).append("  - date: ").append(q(e.date())).append('\n');
                scalar(j, "author", e.author());
                scalar(j, "evr", e.evr());
                list(j, "lines", e.lines());
            }
        }
    }

    private void scalar(String indent, String key, String value) {
        if (value != null && !value.isEmpty()) {
            out.append(indent).append(key).append(": ").append(q(value)).append('\n');
        }
    }

    private void list(String indent, String key, List<String> values) {
        if (values.isEmpty()) {
            return;
        }
        out.append(indent).append(key).append(":\n");
        for (String v : values) {
            out.append(indent).append("  - ").append(q(v)).append('\n');
        }
    }

    private void flow(String indent, String key, List<String> values) {
        out.append(indent).append(key).append(": ").append(flowValue(values)).append('\n');
    }

    private static String flowValue(List<String> values) {
        StringBuilder sb = new StringBuilder("[");
        for (int k = 0; k < values.size(); k++) {
            sb.append(k == 0 ? "" : ", ").append(q(values.get(k)));
        }
        return sb.append(']').toString();
    }

    /** A YAML double-quoted scalar (JSON escapes are valid YAML escapes). */
    static String q(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 32 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029 || c == 0xfeff
                            || c >= 0xfffe || Character.isSurrogate(c)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
