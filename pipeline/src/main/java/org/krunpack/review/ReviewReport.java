package org.krunpack.review;

import org.krunpack.core.Artifact;
import org.krunpack.core.StepResult;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Every finding of one review, rendered in fedora-review's shape or as JSON details. */
public final class ReviewReport implements StepResult {
    private final List<String> reviewed;
    private final List<Finding> findings;

    public ReviewReport(List<String> reviewed, List<Finding> findings) {
        this.reviewed = List.copyOf(reviewed);
        this.findings = findings.stream()
                .sorted(Comparator.comparing((Finding f) -> f.check().level())
                        .thenComparing(f -> f.check().group())
                        .thenComparing(Finding::check)
                        .thenComparing(Finding::subject))
                .toList();
    }

    public List<Finding> findings() {
        return findings;
    }

    public List<String> reviewed() {
        return reviewed;
    }

    public List<Finding> mustFailures() {
        return findings.stream().filter(Finding::mustFailure).toList();
    }

    /** Ids of every failed finding, whatever its level. */
    public Set<String> failedIds() {
        return findings.stream().filter(f -> f.verdict() == Verdict.FAIL).map(Finding::id)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Override
    public String step() {
        return "review";
    }

    @Override
    public boolean ok() {
        return mustFailures().isEmpty();
    }

    @Override
    public List<Artifact> artifacts() {
        return List.of();
    }

    @Override
    public List<String> summary() {
        long fail = findings.stream().filter(f -> f.verdict() == Verdict.FAIL).count();
        return List.of(reviewed.size() + " files reviewed, " + findings.size() + " findings, " + fail + " failed ("
                + mustFailures().size() + " MUST)");
    }

    @Override
    public Map<String, Object> details() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("reviewed", reviewed);
        d.put("mustFailures", mustFailures().size());
        d.put("findings", findings.stream().map(Finding::toMap).toList());
        exemptionVerdict().ifPresent(v -> d.put("oneKernelExemption", v));
        return d;
    }

    /**
     * The one-kernel exemption verdict in one paragraph, when a libkrunfw spec or package was
     * reviewed.
     */
    public java.util.Optional<String> exemptionVerdict() {
        List<Finding> krun = findings.stream()
                .filter(f -> f.check().group() == Group.KRUN && f.check() != Rule.REQUIRES_DLOPEN)
                .toList();
        if (krun.isEmpty()) {
            return java.util.Optional.empty();
        }
        List<Finding> failed = krun.stream().filter(f -> f.verdict() == Verdict.FAIL).toList();
        Set<Rule> passed = krun.stream().filter(f -> f.verdict() == Verdict.PASS).map(Finding::check)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<Rule> open = krun.stream().filter(f -> f.verdict() == Verdict.NOT_EVALUATED).map(Finding::check)
                .collect(Collectors.toCollection(TreeSet::new));
        boolean binary = passed.contains(Rule.NOT_BOOTABLE) || krun.stream().anyMatch(f -> f.check() == Rule.NOT_BOOTABLE);
        StringBuilder sb = new StringBuilder();
        if (!failed.isEmpty()) {
            sb.append("The one-kernel exemption does NOT hold for what was reviewed: ");
            // what was found (the finding's text), never the requirement restated as if it were met
            sb.append(failed.stream().map(f -> f.text() + " [" + f.id() + ", " + f.subject() + "]")
                    .distinct().collect(Collectors.joining("; ")));
            sb.append(". Fix these before asking the kernel team to accept libkrunfw as not being a second kernel"
                    + " package.");
            return java.util.Optional.of(sb.toString());
        }
        sb.append("The one-kernel exemption holds on the evidence reviewed. ");
        if (binary) {
            sb.append("The libkrunfw binary package installs no file under /boot, /lib/modules or /usr/lib/modules,"
                    + " ships no kernel module and provides nothing named kernel*; the kernel exists only as bytes"
                    + " inside an ELF shared object under %{_libdir} (libkrunfw.so.<ABI>), and no file in the package"
                    + " carries a bzImage setup header, a PE/EFI stub, a UKI, a multiboot or multiboot2 header, or is"
                    + " an ELF kernel image, so no boot loader can start it and nothing can mistake it for the"
                    + " system kernel. ");
        } else {
            sb.append("No libkrunfw binary RPM was reviewed, so what the package installs was not checked. ");
        }
        if (passed.contains(Rule.KERNEL_TARBALL)) {
            sb.append("The source package carries the pristine kernel.org tarball as its own Source and every patch"
                    + " (complete corresponding source under GPL-2.0-only), ");
        }
        if (passed.contains(Rule.EXEMPTION_COMMENT)) {
            sb.append("the spec explains the exemption in a comment, ");
        }
        if (passed.contains(Rule.GPL_LICENSE)) {
            sb.append("and License names GPL-2.0-only. ");
        }
        if (!open.isEmpty()) {
            sb.append("Not evaluated: ").append(open.stream().map(Rule::id).collect(Collectors.joining(", ")))
                    .append(" (see the items above).");
        } else if (passed.contains(Rule.BUNDLE_CONTRACT)) {
            sb.append("verify-lib confirms the bundle contract the VMM relies on.");
        }
        return java.util.Optional.of(sb.toString().strip());
    }

    /** The text report, fedora-review style. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("Package Review\n==============\n\n");
        sb.append("Legend:\n[x] = Pass, [!] = Fail, [-] = Not applicable, [?] = Not evaluated\n[ ] = Manual review needed\n\n");
        sb.append("Reviewed:\n");
        for (String r : reviewed) {
            sb.append("  ").append(r).append('\n');
        }
        for (Level level : Level.values()) {
            List<Finding> lf = findings.stream().filter(f -> f.check().level() == level).toList();
            if (lf.isEmpty()) {
                continue;
            }
            sb.append('\n').append(level.name()).append(" items:\n");
            for (Group g : Group.values()) {
                List<Finding> gf = lf.stream().filter(f -> f.check().group() == g).toList();
                if (gf.isEmpty()) {
                    continue;
                }
                sb.append('\n').append(g.title()).append(":\n");
                for (Finding f : gf) {
                    sb.append(f.verdict().mark()).append(": ").append(f.id()).append(" (").append(f.subject()).append(")\n");
                    sb.append("     ").append(f.check().description()).append('\n');
                    sb.append("     Note: ").append(f.text()).append('\n');
                    List<String> ev = new ArrayList<>(f.evidence());
                    int max = f.verdict() == Verdict.PASS ? 3 : 50;
                    for (int i = 0; i < Math.min(max, ev.size()); i++) {
                        sb.append("       - ").append(ev.get(i)).append('\n');
                    }
                    if (ev.size() > max) {
                        sb.append("       - ... ").append(ev.size() - max).append(" more\n");
                    }
                }
            }
        }
        exemptionVerdict().ifPresent(v -> sb.append("\nOne-kernel exemption (libkrunfw):\n").append(wrap(v, 78)).append('\n'));
        long counts = mustFailures().size();
        sb.append("\nResult: ").append(counts == 0 ? "no MUST item failed" : counts + " MUST item(s) failed").append('\n');
        return sb.toString();
    }

    private static String wrap(String text, int width) {
        StringBuilder sb = new StringBuilder();
        int col = 0;
        for (String w : text.split(" ")) {
            if (col > 0 && col + 1 + w.length() > width) {
                sb.append('\n');
                col = 0;
            } else if (col > 0) {
                sb.append(' ');
                col++;
            }
            sb.append(w);
            col += w.length();
        }
        return sb.toString();
    }
}
