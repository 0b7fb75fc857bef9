package org.krunpack.review;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fedora's allowed licence list (a subset shipped as data, see the resource's header for its source
 * and date) and an SPDX licence-expression parser.
 */
public final class Licenses {
    private static final String RESOURCE = "fedora-allowed-licenses.txt";
    private static final Pattern TOKEN = Pattern.compile("\\s*(\\(|\\)|[A-Za-z0-9.+-]+|\\S)");

    private final Set<String> licenses;
    private final Set<String> exceptions;

    private Licenses(Set<String> licenses, Set<String> exceptions) {
        this.licenses = licenses;
        this.exceptions = exceptions;
    }

    /** The list shipped in krunpack. */
    public static Licenses fedora() {
        try (InputStream in = Licenses.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " missing from krunpack");
            }
            Set<String> lic = new LinkedHashSet<>();
            Set<String> exc = new LinkedHashSet<>();
            Set<String> target = null;
            for (String raw : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String l = raw.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                if (l.equals("[licenses]")) {
                    target = lic;
                } else if (l.equals("[exceptions]")) {
                    target = exc;
                } else if (target != null) {
                    target.add(l);
                }
            }
            return new Licenses(Set.copyOf(lic), Set.copyOf(exc));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE, e);
        }
    }

    public Set<String> allowed() {
        return licenses;
    }

    public Set<String> allowedExceptions() {
        return exceptions;
    }

    /**
     * The outcome of checking one expression: problems (empty = fine), every identifier seen (also
     * those not allowed: a syntax error is the only thing that stops the walk), and the legacy
     * {@code LicenseRef-Callaway-*} names Fedora keeps for packages not yet converted to SPDX.
     */
    public record Result(List<String> problems, List<String> identifiers, List<String> legacy) {
        public Result(List<String> problems, List<String> identifiers) {
            this(problems, identifiers, List.of());
        }

        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /** Parses an SPDX expression and checks every identifier against the allowed list. */
    public Result check(String expression) {
        List<String> problems = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        Matcher m = TOKEN.matcher(expression);
        int pos = 0;
        while (pos < expression.length() && m.find(pos) && m.start() == pos) {
            tokens.add(m.group(1));
            pos = m.end();
        }
        if (!expression.substring(pos).isBlank()) {
            problems.add("cannot parse licence expression near '" + expression.substring(pos).strip() + "'");
            return new Result(problems, ids);
        }
        if (tokens.isEmpty()) {
            problems.add("License is empty");
            return new Result(problems, ids);
        }
        List<String> policy = new ArrayList<>();
        List<String> legacy = new ArrayList<>();
        Parser p = new Parser(tokens, problems, ids, policy, legacy);
        p.expr();
        if (problems.isEmpty() && p.i < tokens.size()) {
            problems.add(unexpected(tokens.get(p.i)));
        }
        problems.addAll(policy);
        return new Result(problems, ids, legacy);
    }

    private static String unexpected(String tok) {
        if (tok.equalsIgnoreCase("and") || tok.equalsIgnoreCase("or") || tok.equalsIgnoreCase("with")) {
            if (!tok.equals(tok.toUpperCase(java.util.Locale.ROOT))) {
                return "'" + tok + "' is not an SPDX operator (write it upper-case: "
                        + tok.toUpperCase(java.util.Locale.ROOT) + ")";
            }
        }
        return "unexpected '" + tok + "' in licence expression";
    }

    private final class Parser {
        final List<String> t;
        final List<String> problems;
        final List<String> ids;
        final List<String> policy;
        final List<String> legacy;
        int i;

        Parser(List<String> t, List<String> problems, List<String> ids, List<String> policy, List<String> legacy) {
            this.t = t;
            this.problems = problems;
            this.ids = ids;
            this.policy = policy;
            this.legacy = legacy;
        }

        String peek() {
            return i < t.size() ? t.get(i) : null;
        }

        void expr() {
            term();
            while ("OR".equals(peek()) && problems.isEmpty()) {
                i++;
                term();
            }
        }

        void term() {
            factor();
            while ("AND".equals(peek()) && problems.isEmpty()) {
                i++;
                factor();
            }
        }

        void factor() {
            String tok = peek();
            if (tok == null) {
                problems.add("licence expression ends too early");
                return;
            }
            if (tok.equals("(")) {
                i++;
                expr();
                if (!")".equals(peek())) {
                    if (problems.isEmpty()) {
                        problems.add("missing ')' in licence expression");
                    }
                    return;
                }
                i++;
                return;
            }
            if (tok.equals(")") || tok.equalsIgnoreCase("AND") || tok.equalsIgnoreCase("OR")
                    || tok.equalsIgnoreCase("WITH")) {
                problems.add(unexpected(tok));
                return;
            }
            i++;
            ids.add(tok);
            if (tok.startsWith("LicenseRef-Callaway-")) {
                legacy.add(tok);
            } else if (!licenses.contains(tok)) {
                policy.add("'" + tok + "' is not on Fedora's allowed licence list"
                        + (tok.contains(" ") || !tok.matches("[A-Za-z0-9.+-]+") ? "" : " (as shipped in krunpack)"));
            }
            if ("WITH".equals(peek())) {
                i++;
                String ex = peek();
                if (ex == null || ex.equals("(") || ex.equals(")")) {
                    problems.add("WITH needs an exception identifier");
                    return;
                }
                i++;
                ids.add(ex);
                if (!exceptions.contains(ex)) {
                    policy.add("'" + ex + "' is not on Fedora's allowed licence-exception list");
                }
            }
        }
    }
}
