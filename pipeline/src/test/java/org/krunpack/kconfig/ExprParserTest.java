package org.krunpack.kconfig;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExprParserTest {
    private static final List<String> NAMES = List.of("A", "B", "C", "PCI", "X86_64", "VIRTIO_MMIO");

    @Test
    void precedence_not_then_and_then_or() {
        Expr e = ExprParser.parse("A || B && !C");
        assertThat(e).isEqualTo(new Expr.Or(new Expr.Sym("A"),
                new Expr.And(new Expr.Sym("B"), new Expr.Not(new Expr.Sym("C")))));
    }

    @Test
    void comparisons_parentheses_strings_and_macros() {
        Expr e = ExprParser.parse("(ARCH = \"x86\" || 64BIT!=y) && $(cc-option,-mfoo) && NR_CPUS >= 16");
        assertThat(e.toString()).isEqualTo("(ARCH=\"x86\" || 64BIT!=y) && $(cc-option,-mfoo) && NR_CPUS>=16");
        assertThat(e.symbols()).containsExactly("ARCH", "64BIT", "NR_CPUS");
    }

    @Test
    void tristate_evaluation() {
        Map<String, String> v = Map.of("A", "y", "B", "m", "S", "\"x86\"", "N", "16");
        assertThat(ExprParser.parse("A && B").eval(v::get)).isEqualTo(Expr.M);
        assertThat(ExprParser.parse("!B").eval(v::get)).isEqualTo(Expr.M);
        assertThat(ExprParser.parse("!C").eval(v::get)).isEqualTo(Expr.Y);
        assertThat(ExprParser.parse("C || B").eval(v::get)).isEqualTo(Expr.M);
        assertThat(ExprParser.parse("S = \"x86\"").eval(v::get)).isEqualTo(Expr.Y);
        assertThat(ExprParser.parse("C = n").eval(v::get)).isEqualTo(Expr.Y);
        assertThat(ExprParser.parse("N > 8 && N <= 0x10").eval(v::get)).isEqualTo(Expr.Y);
        assertThat(ExprParser.parse("A != y").eval(v::get)).isEqualTo(Expr.N);
    }

    @Test
    void culprits_name_the_terms_that_make_it_false() {
        Map<String, String> v = Map.of("X86", "y", "S390", "y");
        assertThat(ExprParser.parse("PCI && X86").culprits(v::get)).containsExactly("PCI=n");
        assertThat(ExprParser.parse("!S390 && (X86 || ARM64)").culprits(v::get)).containsExactly("S390=y");
        assertThat(ExprParser.parse("PCI || ARM64").culprits(v::get)).containsExactly("PCI=n", "ARM64=n");
        assertThat(ExprParser.parse("!(X86 && S390)").culprits(v::get)).containsExactly("X86=y", "S390=y");
        assertThat(ExprParser.parse("X86").culprits(v::get)).isEmpty();
    }

    @Test
    void bad_expressions_are_rejected_with_the_text() {
        assertThatThrownBy(() -> ExprParser.parse("A &&")).hasMessageContaining("ends early");
        assertThatThrownBy(() -> ExprParser.parse("(A || B")).hasMessageContaining("missing ')'");
        assertThatThrownBy(() -> ExprParser.parse("A B")).hasMessageContaining("unexpected 'B'");
        assertThatThrownBy(() -> ExprParser.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> ExprParser.parse("A & B")).hasMessageContaining("unexpected character '&'");
    }

    @Property
    void printing_then_parsing_gives_the_same_tree(@ForAll("exprs") Expr e) {
        assertThat(ExprParser.parse(e.toString())).isEqualTo(e);
    }

    @Property
    void parsed_value_matches_the_tree_value(@ForAll("exprs") Expr e, @ForAll("values") Map<String, String> v) {
        int expected = reference(e, v);
        assertThat(ExprParser.parse(e.toString()).eval(v::get)).isEqualTo(expected);
        if (expected == Expr.N) {
            assertThat(e.culprits(v::get)).isNotEmpty();
        }
    }

    /** Evaluation written independently of Expr.eval, over the same tree. */
    private static int reference(Expr e, Map<String, String> v) {
        if (e instanceof Expr.Sym s) {
            String x = s.isConstant() ? s.name() : v.getOrDefault(s.name(), "n");
            return x.equals("y") ? 2 : x.equals("m") ? 1 : 0;
        } else if (e instanceof Expr.Cmp c) {
            String l = c.left().isConstant() ? c.left().name() : v.getOrDefault(c.left().name(), "n");
            String r = c.right().isConstant() ? c.right().name() : v.getOrDefault(c.right().name(), "n");
            return (c.op().equals("=") == l.equals(r)) ? 2 : 0;
        } else if (e instanceof Expr.Not n) {
            return 2 - reference(n.operand(), v);
        } else if (e instanceof Expr.And a) {
            return Math.min(reference(a.left(), v), reference(a.right(), v));
        }
        Expr.Or o = (Expr.Or) e;
        return Math.max(reference(o.left(), v), reference(o.right(), v));
    }

    @Provide
    Arbitrary<Map<String, String>> values() {
        return Arbitraries.of("y", "m", "n").list().ofSize(NAMES.size()).map(vals -> {
            Map<String, String> m = new HashMap<>();
            for (int i = 0; i < NAMES.size(); i++) {
                if (!vals.get(i).equals("n")) {
                    m.put(NAMES.get(i), vals.get(i));
                }
            }
            return m;
        });
    }

    @Provide
    Arbitrary<Expr> exprs() {
        return expr(4);
    }

    private Arbitrary<Expr> expr(int depth) {
        Arbitrary<Expr.Sym> sym = Arbitraries.of(NAMES).map(Expr.Sym::new);
        Arbitrary<Expr.Sym> constant = Arbitraries.of("y", "m", "n").map(Expr.Sym::new);
        Arbitrary<Expr> leaf = Arbitraries.oneOf(sym, sym,
                Combinators.combine(sym, Arbitraries.of("=", "!="), Arbitraries.oneOf(sym, constant))
                        .as(Expr.Cmp::new));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<Expr> sub = Arbitraries.lazy(() -> expr(depth - 1));
        return Arbitraries.oneOf(leaf,
                sub.map(Expr.Not::new),
                Combinators.combine(sub, sub).as(Expr.And::new),
                Combinators.combine(sub, sub).as(Expr.Or::new));
    }
}
