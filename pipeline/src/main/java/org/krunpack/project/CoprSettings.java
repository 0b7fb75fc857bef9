package org.krunpack.project;

import org.krunpack.core.yaml.YamlDoc;
import org.krunpack.core.yaml.YamlNode;

import java.net.URI;
import java.net.URISyntaxException;
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
 *   follow_fedora_branching: true  # optional: COPR adds fedora-N chroots when Fedora branches
 *   packit_forge_projects_allowed: [github.com/example/krunpack]   # optional: who may build via Packit
 *   config: ~/.config/copr       # optional: the copr-cli INI file
 *   timeout: 18000               # optional: build timeout in seconds, 0..108000 (COPR's limits)
 *   packages: [libkrunfw, libkrun, crun]   # optional: the chain; an item may be a list (one level)
 *   scm:                         # optional: for copr build --scm
 *     clone_url: https://github.com/example/krunpack.git
 *     committish: main
 *     subdirectory: ""
 * </pre>
 *
 * @param enableNet             null when not set (then left as the service has it)
 * @param description           null when not set
 * @param instructions          null when not set
 * @param followFedoraBranching null when not set (COPR's default, true, is then kept)
 * @param packitForgeProjects   null when not set; else forge projects without URL scheme
 * @param config                null when not set
 * @param timeout               null when not set
 * @param chain                 the build chain: levels in order, each one or more packages built together
 * @param scm                   null when not set
 */
public record CoprSettings(String owner, String project, List<String> chroots, Boolean enableNet,
                           String description, String instructions, Boolean followFedoraBranching,
                           List<String> packitForgeProjects, Path config, Integer timeout,
                           List<List<String>> chain, Scm scm) {

    /** The default build chain: each package needs the one before it. */
    public static final List<String> DEFAULT_CHAIN = List.of("libkrunfw", "libkrun", "crun");
    /** COPR's build timeout limits (seconds; frontend MIN_BUILD_TIMEOUT and MAX_BUILD_TIMEOUT). */
    public static final int MIN_TIMEOUT = 0;
    public static final int MAX_TIMEOUT = 108000;

    private static final Pattern OWNER = Pattern.compile("@?[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern PROJECT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*");
    private static final Pattern CHROOT = Pattern.compile(
            "[a-z][a-z0-9]*(-[a-z0-9][a-z0-9._]*)*-(x86_64|aarch64|ppc64le|s390x|riscv64|i386|armhfp)");
    private static final Pattern PACKAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*");
    private static final Pattern FORGE_PROJECT = Pattern.compile("[A-Za-z0-9.-]+\\.[A-Za-z]{2,}(/[A-Za-z0-9._-]+){2,}");

    public CoprSettings {
        chroots = List.copyOf(chroots);
        chain = chain.stream().map(List::copyOf).toList();
        packitForgeProjects = packitForgeProjects == null ? null : List.copyOf(packitForgeProjects);
    }

    /** Where COPR builds an SRPM from git with the make_srpm method. */
    public record Scm(String cloneUrl, String committish, String subdirectory) {
    }

    /** Every package of the chain, in build order. */
    public List<String> packages() {
        return chain.stream().flatMap(List::stream).toList();
    }

    /** {@code owner/project}. */
    public String fullName() {
        return owner + "/" + project;
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
        List<String> chroots = list(chrootsNode.list(), CHROOT, "a chroot name like fedora-rawhide-x86_64",
                new HashSet<>());
        if (!chrootsNode.exists()) {
            chrootsNode.problem("required: the chroots to build in, e.g. [fedora-rawhide-x86_64]");
        } else if (chroots.isEmpty()) {
            chrootsNode.problem("must list at least one chroot");
        }
        YamlNode net = copr.get("enable_net");
        Boolean enableNet = net.exists() ? net.bool(false) : null;
        String description = copr.get("description").string();
        String instructions = copr.get("instructions").string();
        YamlNode branching = copr.get("follow_fedora_branching");
        Boolean follow = branching.exists() ? branching.bool(true) : null;
        List<String> forge = forgeProjects(copr.get("packit_forge_projects_allowed"));
        Path config = copr.get("config").path(baseDir);
        YamlNode t = copr.get("timeout");
        Integer timeout = t.exists() ? t.integer(0, MIN_TIMEOUT, MAX_TIMEOUT) : null;
        List<List<String>> chain = chain(copr.get("packages"));
        Scm scm = null;
        YamlNode s = copr.get("scm");
        if (s.exists()) {
            s.requireMap();
            YamlNode urlNode = s.get("clone_url");
            String url = urlNode.requiredString();
            if (url != null && !cloneable(url)) {
                urlNode.problem("'" + url + "' is not an https://, http:// or git:// URL with a host that COPR can clone");
            }
            String committish = s.get("committish").string("");
            YamlNode subNode = s.get("subdirectory");
            String sub = subNode.string("");
            if (sub.startsWith("/") || sub.contains("..")) {
                subNode.problem("must be a relative path inside the repository");
            }
            scm = new Scm(url, committish, sub);
        }
        return new CoprSettings(owner, project, chroots, enableNet, description, instructions, follow, forge,
                config, timeout, chain, scm);
    }

    /** COPR's SCM form wants a URL with a scheme and a host. */
    public static boolean cloneable(String url) {
        try {
            URI u = new URI(url);
            return u.getScheme() != null && Set.of("https", "http", "git").contains(u.getScheme())
                    && u.getHost() != null && !u.getHost().isBlank();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static List<List<String>> chain(YamlNode pk) {
        if (!pk.exists()) {
            return DEFAULT_CHAIN.stream().map(List::of).toList();
        }
        List<List<String>> levels = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (YamlNode item : pk.list()) {
            List<YamlNode> names = item.isList() ? item.list() : List.of(item);
            if (item.isList() && names.isEmpty()) {
                item.problem("an empty level: list at least one package");
                continue;
            }
            List<String> level = list(names, PACKAGE, "a package name", seen);
            if (!level.isEmpty()) {
                levels.add(level);
            }
        }
        if (levels.isEmpty()) {
            pk.problem("must list at least one package");
        }
        return levels;
    }

    private static List<String> forgeProjects(YamlNode n) {
        if (!n.exists()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (YamlNode e : n.list()) {
            String v = e.string();
            // COPR stores them without a URL scheme (it strips one when given)
            String bare = v == null ? null : v.replaceFirst("^[a-z]+://", "").replaceFirst("/+$", "");
            if (bare == null || !FORGE_PROJECT.matcher(bare).matches()) {
                e.problem("'" + v + "' is not a forge project like github.com/OWNER/REPO");
            } else if (!seen.add(bare)) {
                e.problem("'" + v + "' is listed twice");
            } else {
                out.add(bare);
            }
        }
        return out;
    }

    private static List<String> list(List<YamlNode> items, Pattern item, String what, Set<String> seen) {
        List<String> out = new ArrayList<>();
        for (YamlNode e : items) {
            String v = e.string();
            if (v == null || !item.matcher(v).matches()) {
                e.problem("'" + v + "' is not " + what);
            } else if (!seen.add(v)) {
                e.problem("'" + v + "' is listed twice");
            } else {
                out.add(v);
            }
        }
        return out;
    }
}
