package org.krunpack.kconfig;

import org.junit.jupiter.api.Test;
import org.krunpack.project.Arch;
import org.krunpack.testing.Golden;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The report for the fixture fragments against a hand-written effective config of the fixture tree. */
class ConfigReportGoldenTest {
    static ConfigReport report(boolean strict, List<String> warnings) {
        Merge m = MergeGoldenTest.fixtureMerge();
        Map<String, String> eff = Fragment.readEffective(MergeGoldenTest.FIXTURES.resolve("effective.config"));
        List<OptionResult> options = Verifier.verify(m.entries(), eff, KconfigTreeTest.tree());
        return new ConfigReport("fragments", Path.of("/work/out/tree/linux-6.12.99"), "6.12.99", Arch.X86_64,
                List.of("a.config", "b.config"), strict, m.redefinitions(), options, List.of(), warnings, List.of());
    }

    @Test
    void report_names_each_dropped_option_and_why() {
        ConfigReport r = report(false, List.of());
        assertThat(r.ok()).isFalse();
        assertThat(r.errors()).containsExactly(
                "CONFIG_PCI_MSI=y (a.config:7): dropped: unmet dependency: inside if PCI (drivers/pci/Kconfig:6)"
                        + " is not met: PCI=n",
                "CONFIG_NR_CPUS=16 (a.config:11): changed to 1: its prompt is hidden: prompt visible if"
                        + " SMP && !MAXSMP (Kconfig:15) is not met: SMP=n; nothing selects it",
                "CONFIG_NOT_THERE=y (b.config:9): dropped: the symbol NOT_THERE does not exist in this kernel tree"
                        + " (no 'config NOT_THERE' in its Kconfig files for this ARCH): renamed or removed upstream,"
                        + " or another architecture's",
                "CONFIG_ARCH_HAS_FOO=n (b.config:13): changed to y: forced on by select from X86=y (arch/x86/Kconfig:3)",
                "CONFIG_KVM_GUEST=y (b.config:17): dropped: unmet dependency: inside if HYPERVISOR_GUEST"
                        + " (arch/x86/Kconfig:15) is not met: HYPERVISOR_GUEST=n; depends on PARAVIRT"
                        + " (arch/x86/Kconfig:18) is not met: PARAVIRT=n");
        assertThat(r.exemptCount()).isEqualTo(1);
        // =n against "is not set" (SMP, GENERIC_MSI_IRQ absent) is kept, not an error
        assertThat(r.options()).filteredOn(o -> o.symbol().equals("GENERIC_MSI_IRQ"))
                .extracting(OptionResult::status).containsExactly(OptionResult.Status.KEPT);
        Golden.assertMatches("kconfig/report.txt", r.text());
        Golden.assertMatches("kconfig/report.json", r.json());
    }

    @Test
    void strict_mode_and_kconfig_warnings_are_errors() {
        ConfigReport r = report(true, List.of("merged.config:4:warning: override: reassigning to symbol SMP"));
        assertThat(r.errors()).contains(
                "CONFIG_SMP: y (a.config:3) redefined as n (b.config:3) (strict: fragments must not redefine a symbol)",
                "Kconfig warning: merged.config:4:warning: override: reassigning to symbol SMP");
    }

    @Test
    void a_kconfig_warning_about_an_exempted_option_is_listed_but_not_an_error() {
        ConfigReport r = report(false, List.of(".config:7:warning: symbol value 'x' invalid for GONE",
                ".config:9:warning: symbol value 'x' invalid for NOT_THERE"));
        assertThat(r.errors()).contains("Kconfig warning: .config:9:warning: symbol value 'x' invalid for NOT_THERE")
                .noneMatch(e -> e.contains("invalid for GONE"));
        assertThat(r.text()).contains(".config:7:warning: symbol value 'x' invalid for GONE [about an exempted option:"
                + " not an error]");
    }

    @Test
    void warnings_are_read_from_make_output() {
        String out = """
                  HOSTCC  scripts/kconfig/conf.o
                /tmp/x/merged.config:2:warning: override: reassigning to symbol SMP
                WARNING: unmet direct dependencies detected for FOO
                  Depends on [n]: BAR [=n]
                  Selected by [y]:
                  - BAZ [=y]
                #
                # configuration written to .config
                """;
        assertThat(KernelConfig.warnings(out, "/tmp/x/merged.config", "merged.config")).containsExactly(
                "merged.config:2:warning: override: reassigning to symbol SMP",
                "WARNING: unmet direct dependencies detected for FOO; Depends on [n]: BAR [=n]; Selected by [y]:; - BAZ [=y]");
    }
}
