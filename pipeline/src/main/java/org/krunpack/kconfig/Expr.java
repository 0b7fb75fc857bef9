package org.krunpack.kconfig;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A Kconfig boolean expression ({@code depends on}, {@code if}, {@code select ... if}), evaluated
 * in Kconfig's three-valued logic (n &lt; m &lt; y). Used only to <em>explain</em> what the
 * kernel's own Kconfig decided, never to decide anything.
 */
public sealed interface Expr {
    /** Tristate values: n=0, m=1, y=2. */
    int N = 0;
    int M = 1;
    int Y = 2;

    /** A symbol, a constant (y, m, n, a number, a quoted string) or an unevaluated macro. */
    record Sym(String name) implements Expr {
        /** True for y/m/n, numbers and quoted strings. */
        public boolean isConstant() {
            return name.equals("y") || name.equals("m") || name.equals("n") || name.startsWith("\"")
                    || name.matches("-?[0-9]+|0[xX][0-9a-fA-F]+");
        }

        /** True for an unexpanded {@code $(...)} macro (a toolchain test, evaluated by Kconfig only). */
        public boolean isMacro() {
            return name.startsWith("$(");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** {@code left op right} with op one of = != &lt; &gt; &lt;= &gt;=. */
    record Cmp(Sym left, String op, Sym right) implements Expr {
        @Override
        public String toString() {
            return left + op + right;
        }
    }

    record Not(Expr operand) implements Expr {
        @Override
        public String toString() {
            return "!" + wrap(operand, this);
        }
    }

    record And(Expr left, Expr right) implements Expr {
        @Override
        public String toString() {
            return wrap(left, this) + " && " + (right instanceof And ? "(" + right + ")" : wrap(right, this));
        }
    }

    record Or(Expr left, Expr right) implements Expr {
        @Override
        public String toString() {
            return wrap(left, this) + " || " + (right instanceof Or ? "(" + right + ")" : wrap(right, this));
        }
    }

    private static String wrap(Expr child, Expr parent) {
        boolean paren = parent instanceof Not ? child instanceof And || child instanceof Or
                : parent instanceof And && child instanceof Or;
        return paren ? "(" + child + ")" : child.toString();
    }

    /** Conjunction of several expressions (null when the list is empty). */
    static Expr and(List<Expr> parts) {
        Expr result = null;
        for (Expr e : parts) {
            result = result == null ? e : new And(result, e);
        }
        return result;
    }

    /**
     * The value of this expression, given each symbol's value as written in a .config (y, m, a
     * number, a quoted string; null or "n" when not set).
     */
    default int eval(Function<String, String> values) {
        if (this instanceof Sym s) {
            return tristate(s, values);
        } else if (this instanceof Cmp c) {
            return compare(c, values) ? Y : N;
        } else if (this instanceof Not n) {
            return Y - n.operand().eval(values);
        } else if (this instanceof And a) {
            return Math.min(a.left().eval(values), a.right().eval(values));
        }
        Or o = (Or) this;
        return Math.max(o.left().eval(values), o.right().eval(values));
    }

    /** Every symbol name the expression refers to (constants and macros excluded), in order. */
    default Set<String> symbols() {
        Set<String> out = new LinkedHashSet<>();
        collect(this, out);
        return out;
    }

    private static void collect(Expr e, Set<String> out) {
        if (e instanceof Sym s) {
            if (!s.isConstant() && !s.isMacro()) {
                out.add(s.name());
            }
        } else if (e instanceof Cmp c) {
            collect(c.left(), out);
            collect(c.right(), out);
        } else if (e instanceof Not n) {
            collect(n.operand(), out);
        } else if (e instanceof And a) {
            collect(a.left(), out);
            collect(a.right(), out);
        } else if (e instanceof Or o) {
            collect(o.left(), out);
            collect(o.right(), out);
        }
    }

    /**
     * The terms that make this expression n (when {@code wantTrue}) — e.g. {@code PCI=n} for an
     * unmet {@code depends on PCI && X86} with X86 on — each as {@code SYMBOL=value}.
     */
    default List<String> culprits(Function<String, String> values) {
        List<String> out = new ArrayList<>();
        culprits(this, true, values, out);
        return out.stream().distinct().toList();
    }

    private static void culprits(Expr e, boolean wantTrue, Function<String, String> values, List<String> out) {
        boolean isTrue = e.eval(values) != N;
        if (isTrue == wantTrue) {
            return;
        }
        if (e instanceof Sym s) {
            if (s.isMacro()) {
                out.add(s.name() + " (a toolchain test Kconfig evaluated)");
            } else if (!s.isConstant()) {
                out.add(s.name() + "=" + display(values.apply(s.name())));
            }
        } else if (e instanceof Cmp c) {
            out.add(c + " (" + describe(c.left(), values) + ", " + describe(c.right(), values) + ")");
        } else if (e instanceof Not n) {
            culprits(n.operand(), !wantTrue, values, out);
        } else if (e instanceof And a) {
            culprits(a.left(), wantTrue, values, out);
            culprits(a.right(), wantTrue, values, out);
        } else if (e instanceof Or o) {
            culprits(o.left(), wantTrue, values, out);
            culprits(o.right(), wantTrue, values, out);
        }
    }

    private static String describe(Sym s, Function<String, String> values) {
        return s.isConstant() ? s.name() : s.name() + "=" + display(values.apply(s.name()));
    }

    private static String display(String v) {
        return v == null ? "n" : v;
    }

    private static int tristate(Sym s, Function<String, String> values) {
        String v = s.isConstant() ? s.name() : values.apply(s.name());
        if (v == null) {
            return N;
        }
        return switch (v) {
            case "y" -> Y;
            case "m" -> M;
            default -> N;
        };
    }

    private static boolean compare(Cmp c, Function<String, String> values) {
        String l = stringValue(c.left(), values);
        String r = stringValue(c.right(), values);
        return switch (c.op()) {
            case "=" -> l.equals(r);
            case "!=" -> !l.equals(r);
            default -> {
                int cmp = compareValues(l, r);
                yield switch (c.op()) {
                    case "<" -> cmp < 0;
                    case ">" -> cmp > 0;
                    case "<=" -> cmp <= 0;
                    default -> cmp >= 0;
                };
            }
        };
    }

    private static int compareValues(String l, String r) {
        try {
            return Long.compare(Long.decode(l), Long.decode(r));
        } catch (NumberFormatException e) {
            return l.compareTo(r);
        }
    }

    /** A symbol's value for comparisons: unquoted; unset bool/tristate symbols compare as "n". */
    private static String stringValue(Sym s, Function<String, String> values) {
        String v = s.isConstant() ? s.name() : values.apply(s.name());
        if (v == null) {
            return s.isConstant() ? s.name() : "n";
        }
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }
}
