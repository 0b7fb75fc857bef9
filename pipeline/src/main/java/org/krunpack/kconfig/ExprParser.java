package org.krunpack.kconfig;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses Kconfig expressions: symbols, constants (y m n, numbers, quoted strings), {@code $(...)}
 * macros, comparisons ({@code = != < > <= >=}), {@code !}, {@code &&}, {@code ||} and parentheses,
 * with Kconfig's precedence (! binds tightest, then comparisons, &&, ||).
 */
public final class ExprParser {
    private final String text;
    private final List<String> tokens;
    private int pos;

    private ExprParser(String text) {
        this.text = text;
        this.tokens = tokenize(text);
    }

    /** Parses {@code text}; throws {@link IllegalArgumentException} naming the problem. */
    public static Expr parse(String text) {
        ExprParser p = new ExprParser(text);
        if (p.tokens.isEmpty()) {
            throw new IllegalArgumentException("empty expression");
        }
        Expr e = p.or();
        if (p.pos != p.tokens.size()) {
            throw new IllegalArgumentException("unexpected '" + p.tokens.get(p.pos) + "' in expression: " + text);
        }
        return e;
    }

    private Expr or() {
        Expr left = and();
        while (accept("||")) {
            left = new Expr.Or(left, and());
        }
        return left;
    }

    private Expr and() {
        Expr left = unary();
        while (accept("&&")) {
            left = new Expr.And(left, unary());
        }
        return left;
    }

    private Expr unary() {
        if (accept("!")) {
            return new Expr.Not(unary());
        }
        if (accept("(")) {
            Expr e = or();
            if (!accept(")")) {
                throw new IllegalArgumentException("missing ')' in expression: " + text);
            }
            return e;
        }
        Expr.Sym left = symbol();
        for (String op : List.of("=", "!=", "<=", ">=", "<", ">")) {
            if (accept(op)) {
                return new Expr.Cmp(left, op, symbol());
            }
        }
        return left;
    }

    private Expr.Sym symbol() {
        if (pos >= tokens.size()) {
            throw new IllegalArgumentException("expression ends early: " + text);
        }
        String t = tokens.get(pos);
        if (isOperator(t)) {
            throw new IllegalArgumentException("expected a symbol, found '" + t + "' in expression: " + text);
        }
        pos++;
        return new Expr.Sym(t);
    }

    private boolean accept(String token) {
        if (pos < tokens.size() && tokens.get(pos).equals(token)) {
            pos++;
            return true;
        }
        return false;
    }

    private static boolean isOperator(String t) {
        return switch (t) {
            case "||", "&&", "!", "(", ")", "=", "!=", "<", ">", "<=", ">=" -> true;
            default -> false;
        };
    }

    static List<String> tokenize(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (s.startsWith("&&", i) || s.startsWith("||", i) || s.startsWith("!=", i)
                    || s.startsWith("<=", i) || s.startsWith(">=", i)) {
                out.add(s.substring(i, i + 2));
                i += 2;
            } else if ("!()=<>".indexOf(c) >= 0) {
                out.add(String.valueOf(c));
                i++;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                StringBuilder sb = new StringBuilder("\"");
                while (j < n && s.charAt(j) != c) {
                    if (s.charAt(j) == '\\' && j + 1 < n) {
                        j++;
                    }
                    sb.append(s.charAt(j));
                    j++;
                }
                if (j >= n) {
                    throw new IllegalArgumentException("unterminated string in expression: " + s);
                }
                out.add(sb.append('"').toString());
                i = j + 1;
            } else if (s.startsWith("$(", i)) {
                int depth = 0;
                int j = i + 1;
                do {
                    char d = s.charAt(j);
                    if (d == '(') {
                        depth++;
                    } else if (d == ')') {
                        depth--;
                    }
                    j++;
                } while (j < n && depth > 0);
                if (depth > 0) {
                    throw new IllegalArgumentException("unterminated $( in expression: " + s);
                }
                out.add(s.substring(i, j));
                i = j;
            } else if (isWordChar(c)) {
                int j = i;
                while (j < n && isWordChar(s.charAt(j))) {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            } else {
                throw new IllegalArgumentException("unexpected character '" + c + "' in expression: " + s);
            }
        }
        return out;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == '/' || c == '+';
    }
}
