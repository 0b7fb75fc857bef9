package org.krunpack.kconfig;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KconfigTreeTest {
    static final Path TREE = Path.of("src/test/resources/kconfig/tree");

    static KconfigTree tree() {
        return KconfigTree.read(TREE, "x86");
    }

    @Test
    void reads_definitions_through_sources_with_srcarch() {
        KconfigTree t = tree();
        assertThat(t.problems()).isEmpty();
        assertThat(t.exists("KVM_GUEST")).isTrue(); // arch/$(SRCARCH)/Kconfig
        assertThat(t.exists("VIRTIO_MODE_B")).isTrue();
        assertThat(t.exists("NOT_A_SYMBOL")).as("help text is skipped").isFalse();
        assertThat(t.definitions("PCI_MSI").get(0).where()).isEqualTo("drivers/pci/Kconfig:7");
    }

    @Test
    void inherits_if_menu_and_choice_dependencies_outermost_first() {
        KconfigTree t = tree();
        assertThat(t.definitions("KVM_GUEST").get(0).deps()).extracting(KconfigTree.Dep::describe).containsExactly(
                "inside if HYPERVISOR_GUEST (arch/x86/Kconfig:15)",
                "depends on PARAVIRT (arch/x86/Kconfig:18)");
        assertThat(t.definitions("VIRTIO_MODE_A").get(0).deps()).extracting(KconfigTree.Dep::describe).containsExactly(
                "inside menu \"Virtio drivers\" that depends on !S390 && (X86 || ARM64) (drivers/virtio/Kconfig:2)",
                "inside a choice that depends on VIRTIO_MMIO (drivers/virtio/Kconfig:30)");
        assertThat(t.definitions("VIRTIO_MODE_A").get(0).inChoice()).isTrue();
        // continuation lines join; the comment after a prompt is dropped
        assertThat(t.definitions("PCI").get(0).deps().get(0).text()).isEqualTo("X86 || ARM64");
        assertThat(t.definitions("PARAVIRT").get(0).prompt()).isTrue();
        // the if block ended: GENERIC_MSI_IRQ is not inside 'if PCI'
        assertThat(t.definitions("GENERIC_MSI_IRQ").get(0).deps()).isEmpty();
    }

    @Test
    void records_prompts_prompt_conditions_ranges_and_selects() {
        KconfigTree t = tree();
        KconfigTree.Definition nr = t.definitions("NR_CPUS").get(0);
        assertThat(nr.type()).isEqualTo("int");
        assertThat(nr.prompt()).isTrue();
        assertThat(nr.promptIf().text()).isEqualTo("SMP && !MAXSMP");
        assertThat(nr.ranges()).containsExactly("2 512 if SMP");
        assertThat(t.definitions("MAXSMP").get(0).prompt()).isFalse();
        assertThat(t.definitions("X86").get(0).type()).isEqualTo("bool");
        assertThat(t.selectedBy("VIRTIO")).extracting(KconfigTree.Select::selector).containsExactly("VIRTIO_MMIO");
        assertThat(t.selectedBy("ARCH_HAS_FOO")).extracting(KconfigTree.Select::where)
                .containsExactly("arch/x86/Kconfig:3");
    }

    @Test
    void a_missing_source_is_a_problem_but_osource_is_not() {
        assertThat(KconfigTree.read(TREE, "arm64").problems())
                .containsExactly("arch/arm64/Kconfig: sourced but missing");
    }

    @Test
    void explains_each_kind_of_drop() {
        Map<String, String> eff = Fragment.readEffective(TREE.resolveSibling("effective.config"));
        Explainer x = new Explainer(tree(), eff);
        assertThat(x.explain(entry("NOT_THERE", "y"))).startsWith("the symbol NOT_THERE does not exist in this kernel tree");
        assertThat(x.explain(entry("PCI_MSI", "y")))
                .isEqualTo("unmet dependency: inside if PCI (drivers/pci/Kconfig:6) is not met: PCI=n");
        assertThat(x.explain(entry("KVM_GUEST", "y"))).isEqualTo("unmet dependency:"
                + " inside if HYPERVISOR_GUEST (arch/x86/Kconfig:15) is not met: HYPERVISOR_GUEST=n;"
                + " depends on PARAVIRT (arch/x86/Kconfig:18) is not met: PARAVIRT=n");
        assertThat(x.explain(entry("MAXSMP", "y")))
                .isEqualTo("it has no prompt (it cannot be set directly, only selected or defaulted); nothing selects it");
        assertThat(x.explain(entry("VIRTIO", "m")))
                .isEqualTo("it has no prompt (it cannot be set directly, only selected or defaulted); selected by: VIRTIO_MMIO=y");
        assertThat(x.explain(entry("NR_CPUS", "16"))).isEqualTo("its prompt is hidden: prompt visible if SMP && !MAXSMP"
                + " (Kconfig:15) is not met: SMP=n; nothing selects it");
        assertThat(x.explain(entry("ARCH_HAS_FOO", "n")))
                .isEqualTo("forced on by select from X86=y (arch/x86/Kconfig:3)");
        assertThat(x.explain(entry("VIRTIO_MODE_B", "y"))).startsWith("it is a member of a choice");
    }

    private static ConfigEntry entry(String symbol, String value) {
        return new ConfigEntry(symbol, value, "t.config", 1, null);
    }
}
