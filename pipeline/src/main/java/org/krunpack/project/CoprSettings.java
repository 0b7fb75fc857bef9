package org.krunpack.project;

import org.krunpack.core.yaml.YamlDoc;
import org.krunpack.core.yaml.YamlNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;



/**
 * The {@code copr:} section of {@code krunpack.yaml}, validated: every problem with its path
 * ({@code copr.chroots[1]}) at once, exit 2. Keys follow COPR's own names (snake_case).
 *
 * <pre>
 * copr:
 *   owner: alice                 # user, or @group
 *   project: krun
 *   chroots: [fedora-rawhide-x86_64, fedora-43-aarch64]
 *   enable_net: false            # builders' network access (SRPM builds always have it)
 *   description: "..."           # optional
 *   instructions: "..."          # optional
 *   config: ~/.config/copr       # optional: the copr-cli INI file
 *   timeout: 18000               # optional: build timeout in seconds
 *   packages: [libkrunfw, libkrun, crun]   # optional: the build chain order
 *   scm:                         # optional: for copr build --scm
 *     clone_url: https://github.com/example/krunpack.git
 *     committish: main
 *     subdirectory: ""
 * </pre>
 *
 * @param enableNet    null when not set (then left as the service has it)
 * @param description  null when not set
 * @param instructions null when not set
 * @param config       null when not set
 * @param timeout      null when not set
 * @param scm          null when not set
 */
public record CoprSettings(String owner, String project, List<String> chroots, Boolean enableNet,
                           String description, String instructions, Path config, Integer timeout,
                           List<String> packages, Scm scm) {

    /** The default build chain: each package needs the one before it. */
    public static final List<String> DEFAULT_CHAIN = List.of("libkrunfw", "libkrun", "crun");

    private static final Pattern OWNER = Pattern.compile("@?[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern PROJECT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*");
    private static final Pattern CHROOT = Pattern.compile(
            "[a-z][a-z0-9]*(-[a-z0-9][a-z0-9._]*)*-(x86_64|aarch64|ppc64le|s390x|riscv64|i386|armhfp)");
    private static final Pattern PACKAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*");

    /** Where COPR builds an SRPM from git with the make_srpm method. */
    public record Scm(String cloneUrl, String committish, String subdirectory) {
    }

    /**
     * Reads a document holding a {@code copr:} section (tests, tools reading the section alone);
     * every problem at once, exit 2.
     */
    public static CoprSettings parse(String yaml, Path baseDir, String subject) {
        YamlDoc doc = YamlDoc.parse(yaml, subject, null);
        YamlNode copr = doc.root().get("copr");
        if (!copr.exists()) {
            copr.problem("section missing: add owner, project and chroots (see docs/copr.md)");
            doc.throwIfAny();
        }
        CoprSettings s = from(copr, baseDir);
        doc.finish();
        return s;
    }

    /**
     * Reads the section; problems go to the document (reported with every other one).
     *
     * @param copr    the {@code copr} node (present)
     * @param baseDir the project file's directory (relative {@code config} paths)
     */
    static CoprSettings from(YamlNode copr, Path baseDir) {
        copr.requireMap();
        YamlNode ownerNode = copr.get("owner");
        String owner = ownerNode.requiredString();
        if (owner != null && !OWNER.matcher(owner).matches()) {
            ownerNode.problem("'" + owner + "' is not a COPR user or @group name");
        }
        YamlNode projectNode = copr.get("project");
        String project = projectNode.requiredString();
        if (project != null && !PROJECT.matcher(project).matches()) {
            projectNode.problem("'" + project + "' is not a valid project name (letters, digits, . _ + -)");
        }
        YamlNode chrootsNode = copr.get("chroots");
        List<String> chroots = list(chrootsNode, CHROOT, "a chroot name like fedora-rawhide-x86_64");
        if (!chrootsNode.exists()) {
            chrootsNode.problem("required: the chroots to build in, e.g. [fedora-rawhide-x86_64]");
        } else if (chroots.isEmpty()) {
            chrootsNode.problem("must list at least one chroot");
        }
        YamlNode net = copr.get("enable_net");
        Boolean enableNet = net.exists() ? net.bool(false) : null;
        String description = copr.get("description").string();
        String instructions = copr.get("instructions").string();
        Path config = copr.get("config").path(baseDir);
        YamlNode t = copr.get("timeout");
        Integer timeout = t.exists() ? t.integer(0, 1, Integer.MAX_VALUE) : null;
        YamlNode pk = copr.get("packages");
        List<String> packages = pk.exists() ? list(pk, PACKAGE, "a package name") : DEFAULT_CHAIN;
        if (pk.exists() && packages.isEmpty()) {
            pk.problem("must list at least one package");
        }
        Scm scm = null;
        YamlNode s = copr.get("scm");
        if (s.exists()) {
            s.requireMap();
            YamlNode urlNode = s.get("clone_url");
            String url = urlNode.requiredString();
            if (url != null && !url.matches("(https?|git)://\\S+")) {
                urlNode.problem("'" + url + "' is not an https:// or git:// URL COPR can clone");
            }
            String committish = s.get("committish").string("");
            YamlNode subNode = s.get("subdirectory");
            String sub = subNode.string("");
            if (sub.startsWith("/") || sub.contains("..")) {
                subNode.problem("must be a relative path inside the repository");
            }
            scm = new Scm(url, committish, sub);
        }
        return new CoprSettings(owner, project, chroots, enableNet, description, instructions, config, timeout,
                packages, scm);
    }

    /** {@code owner/project}. */
    public String fullName() {
        return owner + "/" + project;
    }

    private static List<String> list(YamlNode n, Pattern item, String what) {
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (YamlNode e : n.list()) {
            String v = e.string();
            if (v == null || !item.matcher(v).matches()) {
                e.problem("'" + v + "' is not " + what);
            } else if (!seen.add(v)) {
                e.problem("'" + v + "' is listed twice");
            } else {
                out.add(v);
            }
        }
        return List.copyOf(out);
    }
}
