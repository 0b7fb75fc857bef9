package org.krunpack.core.yaml;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A node of a {@link YamlDoc}, with its path ({@code patches.release[0].reason}) and line. Typed
 * accessors never throw: a wrong type adds a problem to the document (reported at
 * {@link YamlDoc#finish()}, with all the others) and returns the default.
 */
public final class YamlNode {
    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]+");

    private final YamlDoc doc;
    private final Node node; // null: missing
    private final String path;
    private final Set<String> asked = new LinkedHashSet<>();
    private boolean visited;
    private boolean allKeysRead;

    private final int parentLine;

    YamlNode(YamlDoc doc, Node node, String path, int parentLine) {
        this.doc = doc;
        this.node = node;
        this.path = path;
        this.parentLine = parentLine;
    }

    static YamlNode missing(YamlDoc doc, String path, int parentLine) {
        return new YamlNode(doc, null, path, parentLine);
    }

    Node raw() {
        return node;
    }

    Set<String> askedKeys() {
        return asked;
    }

    boolean visited() {
        return visited;
    }

    boolean allKeysRead() {
        return allKeysRead;
    }

    /** The document this node belongs to. */
    public YamlDoc doc() {
        return doc;
    }

    /** The node's path in the document, e.g. {@code sources.kernel[0].sha512}; "" for the top. */
    public String path() {
        return path;
    }

    /** 1-based line; for a missing node, its parent's line (0 when the parent is missing too). */
    public int line() {
        return node == null ? parentLine : node.getStartMark().getLine() + 1;
    }

    /** True when the key was present (even with an empty value). */
    public boolean exists() {
        return node != null;
    }

    /** True when absent or written as {@code ~}, {@code null} or nothing. */
    public boolean isNull() {
        return node == null || node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    public boolean isMap() {
        return node instanceof MappingNode;
    }

    public boolean isList() {
        return node instanceof SequenceNode;
    }

    public boolean isScalar() {
        return node instanceof ScalarNode && !isNull();
    }

    /** Adds a problem at this node (its path and line). */
    public void problem(String what) {
        doc.add(line(), path, what);
    }

    /** Adds a problem at a child key of this node that may be absent ("required" problems). */
    public void problemAt(String key, String what) {
        doc.add(line(), child(path, key), what);
    }

    // ---- structure ----

    /**
     * The value of {@code key} (a missing node when absent). Asking makes {@code key} a known key of
     * this mapping; when this node exists but is not a mapping, that is a problem.
     */
    public YamlNode get(String key) {
        visited = true;
        asked.add(key);
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (key.equals(keyText(t.getKeyNode()))) {
                    // the last one wins, as in YAML loaders; repeated keys are reported anyway
                    Node v = null;
                    for (NodeTuple u : m.getValue()) {
                        if (key.equals(keyText(u.getKeyNode()))) {
                            v = u.getValueNode();
                        }
                    }
                    return doc.wrap(v, child(path, key));
                }
            }
        } else if (node != null && !isNull()) {
            expectMapOnce();
        }
        return missing(doc, child(path, key), line());
    }

    /** Declares keys this mapping may hold without reading them now (they count as known). */
    public YamlNode known(String... keys) {
        visited = true;
        asked.addAll(List.of(keys));
        return this;
    }

    /** The keys present, in document order (reading them is still up to the caller). */
    public List<String> keys() {
        visited = true;
        List<String> out = new ArrayList<>();
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                String k = keyText(t.getKeyNode());
                if (k != null && !out.contains(k)) {
                    out.add(k);
                }
            }
        }
        return out;
    }

    /**
     * Every entry of a mapping whose keys are names chosen by the user (package names, feature
     * names); all keys count as known. A present non-mapping is a problem.
     */
    public Map<String, YamlNode> entries() {
        visited = true;
        allKeysRead = true;
        Map<String, YamlNode> out = new LinkedHashMap<>();
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                String k = keyText(t.getKeyNode());
                if (k != null) {
                    out.put(k, doc.wrap(t.getValueNode(), child(path, k)));
                }
            }
        } else if (node != null && !isNull()) {
            expectMapOnce();
        }
        return out;
    }

    /** The items of a list (empty when absent); a present non-list is a problem. */
    public List<YamlNode> list() {
        visited = true;
        List<YamlNode> out = new ArrayList<>();
        if (node instanceof SequenceNode s) {
            for (int i = 0; i < s.getValue().size(); i++) {
                out.add(doc.wrap(s.getValue().get(i), path + "[" + i + "]"));
            }
        } else if (node != null && !isNull()) {
            problem("expected a list (- item lines)");
        }
        return out;
    }

    /** A list, or a single item written without the list (as one-element list). */
    public List<YamlNode> listOrOne() {
        if (node == null || isNull() || node instanceof SequenceNode) {
            return list();
        }
        visited = true;
        return List.of(this);
    }

    /** Marks a present node as a mapping that must exist (a problem otherwise). */
    public YamlNode requireMap() {
        if (!(node instanceof MappingNode)) {
            problem(node == null ? "required: a mapping" : "expected a mapping (key: value lines)");
        }
        visited = true;
        return this;
    }

    // ---- scalars ----

    /** The scalar's text, or null when absent or null; a mapping or list is a problem. */
    public String string() {
        if (isNull()) {
            return null;
        }
        if (node instanceof ScalarNode s) {
            return s.getValue();
        }
        problem("expected a single value, not a " + (isMap() ? "mapping" : "list"));
        return null;
    }

    /** The scalar's text; a problem when absent or empty. */
    public String requiredString() {
        String s = string();
        if (s == null && (node == null || isNull())) {
            problem("required");
        } else if (s != null && s.isBlank()) {
            problem("must not be empty");
            return null;
        }
        return s;
    }

    /** The scalar's text, or {@code dflt} when absent. */
    public String string(String dflt) {
        String s = string();
        return s == null ? dflt : s;
    }

    /** A string that must be one of {@code allowed}; {@code dflt} when absent. */
    public String oneOf(String dflt, Collection<String> allowed) {
        String s = string();
        if (s == null) {
            return dflt;
        }
        if (!allowed.contains(s)) {
            String near = YamlDoc.nearest(s, Set.copyOf(allowed));
            problem("'" + s + "' is not one of " + String.join(", ", allowed)
                    + (near != null ? " (did you mean '" + near + "'?)" : ""));
            return dflt;
        }
        return s;
    }

    /** A whole number in [min, max]; {@code dflt} when absent. */
    public long longValue(long dflt, long min, long max) {
        String s = string();
        if (s == null) {
            return dflt;
        }
        long v;
        try {
            if (INTEGER.matcher(s).matches()) {
                v = Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
            } else if (HEX.matcher(s).matches()) {
                v = Long.parseLong(s.substring(2), 16);
            } else {
                problem("'" + s + "' is not a whole number");
                return dflt;
            }
        } catch (NumberFormatException e) {
            problem("'" + s + "' is out of range");
            return dflt;
        }
        if (v < min || v > max) {
            problem(v + " is out of range: use " + min + " to " + max);
            return dflt;
        }
        return v;
    }

    public int integer(int dflt, int min, int max) {
        return (int) longValue(dflt, min, max);
    }

    /** A whole number that must be present. */
    public long requiredLong(long min, long max) {
        if (isNull()) {
            problem("required");
            return min;
        }
        return longValue(min, min, max);
    }

    /** true or false; {@code dflt} when absent. YAML 1.1 words (yes, on) are refused as ambiguous. */
    public boolean bool(boolean dflt) {
        String s = string();
        if (s == null) {
            return dflt;
        }
        if (s.equals("true")) {
            return true;
        }
        if (s.equals("false")) {
            return false;
        }
        problem("'" + s + "' is not true or false");
        return dflt;
    }

    /** A list of strings (a single string counts as a one-element list). */
    public List<String> strings() {
        List<String> out = new ArrayList<>();
        for (YamlNode n : listOrOne()) {
            String s = n.string();
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * A path relative to the document's directory ({@code ~/} expands to the home directory);
     * null when absent. Existence is the caller's business.
     */
    public Path path(Path baseDir) {
        String s = string();
        if (s == null) {
            return null;
        }
        if (s.isBlank()) {
            problem("must not be empty");
            return null;
        }
        if (s.indexOf('\0') >= 0) {
            problem("a path cannot contain a NUL character");
            return null;
        }
        if (s.startsWith("~/")) {
            return Path.of(System.getProperty("user.home")).resolve(s.substring(2)).normalize();
        }
        return baseDir.resolve(s).normalize();
    }

    // ---- helpers ----

    private boolean mapProblemAdded;

    private void expectMapOnce() {
        if (!mapProblemAdded) {
            mapProblemAdded = true;
            problem("expected a mapping (key: value lines), not " + (isList() ? "a list" : "a single value"));
        }
    }

    static String keyText(Node key) {
        return key instanceof ScalarNode s ? s.getValue() : null;
    }

    static String child(String parent, String key) {
        String k = key.matches("[A-Za-z0-9_.@-]+") && !key.contains(".") ? key : "'" + key + "'";
        return parent.isEmpty() ? k : parent + "." + k;
    }

    @Override
    public String toString() {
        return path.isEmpty() ? "(top)" : path;
    }
}
