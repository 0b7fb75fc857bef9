package org.krunpack.core.yaml;

import org.krunpack.core.ExitCode;
import org.krunpack.core.Inputs;
import org.krunpack.core.KrunpackException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one strict reader for every YAML file krunpack reads (project file, feature manifest,
 * packaging model, COPR settings). A reader walks the document through {@link YamlNode}s; every
 * key it asks for becomes a known key of its mapping. {@link #finish()} then reports, all at once
 * and each with its line and path:
 * <ul>
 *   <li>every key no reader asked for ({@code patches.fuz: unknown key; did you mean 'fuzz'?}),
 *       at any depth;</li>
 *   <li>every repeated key (YAML parsers silently keep the last one);</li>
 *   <li>every type or value problem the reader added with {@link YamlNode#problem}.</li>
 * </ul>
 * Input files are read as regular files with a size cap ({@link Inputs}); aliases are bounded.
 */
public final class YamlDoc {
    private final String subject;
    private final Path file;
    private final Node rootNode;
    private final Map<Node, YamlNode> wrappers = new IdentityHashMap<>();
    private final List<Problem> problems = new ArrayList<>();

    /** One problem: the line (0 when unknown), the path in the document, what is wrong. */
    public record Problem(int line, String path, String what) {
        @Override
        public String toString() {
            return (path.isEmpty() ? "(top)" : path) + ": " + what + (line > 0 ? " (line " + line + ")" : "");
        }
    }

    private YamlDoc(String subject, Path file, Node root) {
        this.subject = subject;
        this.file = file;
        this.rootNode = root;
        if (root != null) {
            checkDuplicates(root, "", java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
        }
    }

    /** Reads a file (a regular file of at most {@link Inputs#TEXT_LIMIT} bytes). */
    public static YamlDoc read(Path file) {
        return read(file, Inputs.TEXT_LIMIT);
    }

    public static YamlDoc read(Path file, long maxBytes) {
        String text = Inputs.readUtf8(file, maxBytes, file.getFileName().toString());
        return parse(text, file.toString(), file);
    }

    /**
     * Parses text. Syntax errors are a usage error (exit 2) naming {@code subject} and the line.
     *
     * @param file the file the text came from (for resolving relative paths), or null
     */
    public static YamlDoc parse(String text, String subject, Path file) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true); // detected here, all of them, with both lines
        options.setMaxAliasesForCollections(50);
        options.setNestingDepthLimit(50);
        options.setCodePointLimit((int) Math.min(Integer.MAX_VALUE, Inputs.TEXT_LIMIT * 2));
        options.setAllowRecursiveKeys(false);
        Node root;
        try {
            // The composer alone (what Yaml.compose runs): no constructor or representer is built,
            // which keeps a third of SnakeYAML's classes out of every krunpack start.
            root = new Composer(new ParserImpl(new StreamReader(new StringReader(text)), options), new Resolver(),
                    options).getSingleNode();
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 0;
            throw KrunpackException.usage(subject + ": not valid YAML" + (line > 0 ? " (line " + line + ")" : "")
                    + ": " + (e.getProblem() != null ? e.getProblem() : e.getMessage()));
        } catch (YAMLException e) {
            throw KrunpackException.usage(subject + ": not valid YAML: " + e.getMessage());
        }
        return new YamlDoc(subject, file, root);
    }

    /** The file name or description used in messages. */
    public String subject() {
        return subject;
    }

    /** The file read, or null when parsed from text. */
    public Path file() {
        return file;
    }

    /** The top node (a missing node for an empty document). */
    public YamlNode root() {
        return rootNode == null ? YamlNode.missing(this, "", 0) : wrap(rootNode, "");
    }

    YamlNode wrap(Node n, String path) {
        return wrappers.computeIfAbsent(n, k -> new YamlNode(this, k, path, 0));
    }

    void add(int line, String path, String what) {
        problems.add(new Problem(line, path, what));
    }

    /** Adds a problem at the top of the document. */
    public void problem(String what) {
        add(0, "", what);
    }

    /** Every problem so far, in document order after {@link #checkUnknownKeys()}. */
    public List<Problem> problems() {
        return List.copyOf(problems);
    }

    /** Adds an "unknown key" problem for every key of every mapping that no reader asked for. */
    public void checkUnknownKeys() {
        if (rootNode != null) {
            unknown(root());
        }
        problems.sort((a, b) -> a.line() != b.line() && a.line() > 0 && b.line() > 0
                ? Integer.compare(a.line(), b.line()) : 0);
    }

    /**
     * Ends reading: checks unknown keys, then throws a usage error (exit 2) listing every problem,
     * if there is any.
     */
    public void finish() {
        checkUnknownKeys();
        throwIfAny();
    }

    /** Throws a usage error listing every problem, if there is any. */
    public void throwIfAny() {
        if (problems.isEmpty()) {
            return;
        }
        List<String> items = problems.stream().map(Problem::toString).toList();
        StringBuilder sb = new StringBuilder(subject).append(": ").append(items.size())
                .append(items.size() == 1 ? " problem" : " problems");
        for (String p : items) {
            sb.append("\n  - ").append(p);
        }
        throw new KrunpackException(ExitCode.USAGE, sb.toString(), items, null);
    }

    private void unknown(YamlNode n) {
        if (n.raw() instanceof MappingNode m) {
            Set<String> asked = n.askedKeys();
            Map<String, NodeTuple> last = new HashMap<>();
            for (NodeTuple t : m.getValue()) {
                last.put(YamlNode.keyText(t.getKeyNode()), t);
            }
            for (NodeTuple t : m.getValue()) {
                String key = YamlNode.keyText(t.getKeyNode());
                if (key == null || last.get(key) != t) {
                    continue; // a non-scalar key or an earlier repeat: reported by checkDuplicates
                }
                String path = YamlNode.child(n.path(), key);
                if (!asked.contains(key) && !n.allKeysRead()) {
                    String hint;
                    if (asked.isEmpty()) {
                        hint = n.visited() ? "unknown key (this mapping takes no keys)"
                                : "not read by krunpack: remove it";
                    } else {
                        String near = nearest(key, asked);
                        hint = "unknown key" + (near != null ? "; did you mean '" + near + "'?" : "")
                                + " (known: " + String.join(", ", new TreeSet<>(asked)) + ")";
                    }
                    add(t.getKeyNode().getStartMark().getLine() + 1, path, hint);
                    continue;
                }
                unknown(wrap(t.getValueNode(), path));
            }
        } else if (n.raw() instanceof SequenceNode s) {
            for (int i = 0; i < s.getValue().size(); i++) {
                unknown(wrap(s.getValue().get(i), n.path() + "[" + i + "]"));
            }
        }
    }

    private void checkDuplicates(Node n, String path, Set<Node> seen) {
        if (!seen.add(n)) {
            return;
        }
        if (n instanceof MappingNode m) {
            Map<String, Integer> first = new HashMap<>();
            for (NodeTuple t : m.getValue()) {
                String key = YamlNode.keyText(t.getKeyNode());
                int line = t.getKeyNode().getStartMark().getLine() + 1;
                if (key == null) {
                    add(line, path, "keys must be plain words, not lists or mappings");
                    continue;
                }
                Integer before = first.putIfAbsent(key, line);
                if (before != null) {
                    add(line, YamlNode.child(path, key), "repeated key (first on line " + before
                            + "); YAML would silently keep only the last one: remove one");
                }
                checkDuplicates(t.getValueNode(), YamlNode.child(path, key), seen);
            }
        } else if (n instanceof SequenceNode s) {
            for (int i = 0; i < s.getValue().size(); i++) {
                checkDuplicates(s.getValue().get(i), path + "[" + i + "]", seen);
            }
        }
    }

    /** The known key closest to {@code key}, when it is close enough to be a likely typo. */
    static String nearest(String key, Set<String> known) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String k : new TreeSet<>(known)) {
            int d = k.equalsIgnoreCase(key) ? 0 : distance(key.toLowerCase(), k.toLowerCase());
            if (d < bestD) {
                bestD = d;
                best = k;
            }
        }
        int allowed = Math.max(1, Math.min(3, key.length() / 3));
        if (best != null && (bestD <= allowed || best.startsWith(key) && key.length() >= 3)) {
            return best;
        }
        return null;
    }

    /** Damerau-Levenshtein (optimal string alignment) distance. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
