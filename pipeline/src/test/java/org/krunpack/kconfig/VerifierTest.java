package org.krunpack.kconfig;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class VerifierTest {
    private static ConfigEntry e(String symbol, String value, String exempt) {
        return new ConfigEntry(symbol, value, "f.config", 1, exempt);
    }

    @Test
    void off_matches_not_set_and_absent_and_hex_compares_by_value() {
        List<OptionResult> r = Verifier.verify(List.of(e("SMP", "n", null), e("PCI", "n", null),
                        e("PHYSICAL_START", "0x1000000", null), e("X86", "y", null)),
                Map.of("SMP", "n", "PHYSICAL_START", "0x01000000", "X86", "y"), KconfigTreeTest.tree());
        assertThat(r).extracting(OptionResult::status).containsOnly(OptionResult.Status.KEPT);
        assertThat(r).noneMatch(OptionResult::error);
    }

    @Test
    void m_without_modules_is_changed_and_explained() {
        List<OptionResult> r = Verifier.verify(List.of(e("VIRTIO_MMIO", "m", null)),
                Map.of("VIRTIO_MMIO", "y", "X86", "y", "ARCH_HAS_FOO", "y", "HAS_IOMEM", "y"), KconfigTreeTest.tree());
        assertThat(r.get(0).status()).isEqualTo(OptionResult.Status.CHANGED);
        assertThat(r.get(0).reason()).startsWith("m needs CONFIG_MODULES=y");
        assertThat(r.get(0).describe()).startsWith("CONFIG_VIRTIO_MMIO=m (f.config:1): changed to y: m needs");
    }

    @Test
    void an_exemption_turns_a_drop_into_a_reported_non_error() {
        OptionResult r = Verifier.verify(List.of(e("GONE", "y", "renamed in 6.13")), Map.of(),
                KconfigTreeTest.tree()).get(0);
        assertThat(r.status()).isEqualTo(OptionResult.Status.DROPPED);
        assertThat(r.error()).isFalse();
        assertThat(r.exempted()).isTrue();
        assertThat(r.describe()).endsWith("[exempt: renamed in 6.13]");
    }

    @Test
    void the_kconfig_files_are_not_read_when_everything_is_kept() {
        List<OptionResult> r = Verifier.verify(List.of(e("A", "y", null)), Map.of("A", "y"), () -> {
            throw new AssertionError("read without need");
        });
        assertThat(r.get(0).status()).isEqualTo(OptionResult.Status.KEPT);
    }
}
