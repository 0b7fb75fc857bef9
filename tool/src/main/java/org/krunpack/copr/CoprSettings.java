package org.krunpack.copr;

import com.fasterxml.jackson.databind.JsonNode;
import org.krunpack.core.Problems;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
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

    private static final Set<String> KEYS = Set.of("owner", "project", "chroots", "enable_net", "description",
            "instructions", "config", "timeout", "packages", "scm");
    private static final Set<String> SCM_KEYS = Set.of("clone_url", "committish", "subdirectory");
    private static final Pattern OWNER = Pattern.compile("@?[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern PROJECT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*");
    private static final Pattern CHROOT = Pattern.compile(
            "[a-z][a-z0-9]*(-[a-z0-9][a-z0-9._]*)*-(x86_64|aarch64|ppc64le|s390x|riscv64|i386|armhfp)");
    private static final Pattern PACKAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*");

    /** Where COPR builds an SRPM from git with the make_srpm method. */
    public record Scm(String cloneUrl, String committish, String subdirectory) {
    }

    /**
     * Validates the section.
     *
     * @param copr    the {@code copr} node (missing → one problem saying to add it)
     * @param baseDir the project file's directory (relative {@code config} paths)
     * @param subject the file name used in messages
     */
    public static CoprSettings from(JsonNode copr, Path baseDir, String subject) {
        Problems problems = new Problems(subject);
        if (copr == null || copr.isMissingNode() || copr.isNull()) {
            problems.add("copr", "section missing: add owner, project and chroots (see docs/copr.md)");
            problems.throwIfAny();
        }
        if (!copr.isObject()) {
            problems.add("copr", "expected a mapping (owner, project, chroots, ...)");
            problems.throwIfAny();
        }
        for (Iterator<String> it = copr.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                problems.add("copr." + k, "unknown key (known: " + String.join(", ", new TreeSet<>(KEYS)) + ")");
            }
        }
        String owner = text(copr, "owner", true, problems);
        if (owner != null && !OWNER.matcher(owner).matches()) {
            problems.add("copr.owner", "'" + owner + "' is not a COPR user or @group name");
        }
        String project = text(copr, "project", true, problems);
        if (project != null && !PROJECT.matcher(project).matches()) {
            problems.add("copr.project", "'" + project + "' is not a valid project name (letters, digits, . _ + -)");
        }
        List<String> chroots = list(copr, "chroots", CHROOT, "a chroot name like fedora-rawhide-x86_64", problems);
        if (chroots != null && chroots.isEmpty() && copr.has("chroots")) {
            problems.add("copr.chroots", "must list at least one chroot");
        }
        if (!copr.has("chroots")) {
            problems.add("copr.chroots", "required: the chroots to build in, e.g. [fedora-rawhide-x86_64]");
        }
        Boolean enableNet = null;
        if (copr.has("enable_net")) {
            if (copr.get("enable_net").isBoolean()) {
                enableNet = copr.get("enable_net").asBoolean();
            } else {
                problems.add("copr.enable_net", "'" + copr.get("enable_net").asText() + "' is not true or false");
            }
        }
        String description = text(copr, "description", false, problems);
        String instructions = text(copr, "instructions", false, problems);
        String cfg = text(copr, "config", false, problems);
        Path config = null;
        if (cfg != null) {
            config = cfg.startsWith("~/") ? Path.of(System.getProperty("user.home")).resolve(cfg.substring(2))
                    : baseDir.resolve(cfg).normalize();
        }
        Integer timeout = null;
        if (copr.has("timeout")) {
            JsonNode t = copr.get("timeout");
            if (t.isIntegralNumber() && t.asLong() > 0 && t.asLong() <= Integer.MAX_VALUE) {
                timeout = t.asInt();
            } else {
                problems.add("copr.timeout", "'" + t.asText() + "' is not a positive number of seconds");
            }
        }
        List<String> packages = copr.has("packages")
                ? list(copr, "packages", PACKAGE, "a package name", problems) : DEFAULT_CHAIN;
        if (packages != null && packages.isEmpty()) {
            problems.add("copr.packages", "must list at least one package");
        }
        Scm scm = null;
        if (copr.has("scm")) {
            JsonNode s = copr.get("scm");
            if (!s.isObject()) {
                problems.add("copr.scm", "expected a mapping with clone_url, committish, subdirectory");
            } else {
                for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
                    String k = it.next();
                    if (!SCM_KEYS.contains(k)) {
                        problems.add("copr.scm." + k, "unknown key (known: clone_url, committish, subdirectory)");
                    }
                }
                String url = text(s, "clone_url", true, problems, "copr.scm.");
                if (url != null && !url.matches("(https?|git)://\\S+")) {
                    problems.add("copr.scm.clone_url", "'" + url + "' is not an https:// or git:// URL COPR can clone");
                }
                String committish = s.has("committish") ? s.get("committish").asText() : "";
                String sub = s.has("subdirectory") ? s.get("subdirectory").asText() : "";
                if (sub.startsWith("/") || sub.contains("..")) {
                    problems.add("copr.scm.subdirectory", "must be a relative path inside the repository");
                }
                scm = new Scm(url, committish, sub);
            }
        }
        problems.throwIfAny();
        return new CoprSettings(owner, project, chroots, enableNet, description, instructions, config, timeout,
                packages, scm);
    }

    /** {@code owner/project}. */
    public String fullName() {
        return owner + "/" + project;
    }

    private static String text(JsonNode parent, String key, boolean required, Problems problems) {
        return text(parent, key, required, problems, "copr.");
    }

    private static String text(JsonNode parent, String key, boolean required, Problems problems, String prefix) {
        JsonNode n = parent.path(key);
        if (n.isMissingNode() || n.isNull()) {
            if (required) {
                problems.add(prefix + key, "required");
            }
            return null;
        }
        if (!n.isValueNode()) {
            problems.add(prefix + key, "expected a single value");
            return null;
        }
        String s = n.asText();
        if (required && s.isBlank()) {
            problems.add(prefix + key, "must not be empty");
            return null;
        }
        return s;
    }

    private static List<String> list(JsonNode parent, String key, Pattern item, String what, Problems problems) {
        JsonNode n = parent.path(key);
        if (n.isMissingNode()) {
            return null;
        }
        if (!n.isArray()) {
            problems.add("copr." + key, "expected a list");
            return null;
        }
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n.size(); i++) {
            String where = "copr." + key + "[" + i + "]";
            JsonNode e = n.get(i);
            if (!e.isTextual() || !item.matcher(e.asText()).matches()) {
                problems.add(where, "'" + e.asText() + "' is not " + what);
            } else if (!seen.add(e.asText())) {
                problems.add(where, "'" + e.asText() + "' is listed twice");
            } else {
                out.add(e.asText());
            }
        }
        return List.copyOf(out);
    }
}
