package org.krunpack.smoke;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.NotBlank;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GuestReportTest {
    static final List<String> CONSOLE = List.of(
            "[    1.234567] virtio_blk virtio1: [vda] 131072 512-byte logical blocks",
            "KRUNPACK-SMOKE-START\r",
            "KRUNPACK-REPORT pid=1",
            "KRUNPACK-REPORT release=6.12.117-krunpack\r",
            "KRUNPACK-REPORT linux_version=Linux version 6.12.117 (root@libkrunfw) (gcc 12.2.0) #1 SMP",
            "KRUNPACK-REPORT mem_total_kb=496312",
            "KRUNPACK-REPORT mem_available_kb=470000",
            "KRUNPACK-REPORT virtio.virtio0=3 virtio_console",
            "[    2.000000] random: crng init done KRUNPACK-REPORT virtio.virtio1=2 virtio_blk",
            "KRUNPACK-REPORT virtio.virtio2=4 -",
            "KRUNPACK-REPORT virtio_drivers=virtio_console,virtio_blk,virtio_rng",
            "KRUNPACK-REPORT filesystems=sysfs,tmpfs,ext4,cgroup2",
            "KRUNPACK-REPORT ns.user=ok",
            "KRUNPACK-REPORT ns.time=EINVAL",
            "KRUNPACK-REPORT file./sys/bus/dax=no",
            "KRUNPACK-REPORT broken line without equals",
            "KRUNPACK-SMOKE-END");

    @Test
    void parsesFactsMarkersAndDevices() {
        GuestReport r = GuestReport.parse(CONSOLE);
        assertThat(r.started()).isTrue();
        assertThat(r.ended()).isTrue();
        assertThat(r.release()).isEqualTo("6.12.117-krunpack");
        assertThat(r.linuxVersion()).startsWith("Linux version 6.12.117 (root@libkrunfw)");
        assertThat(r.number("mem_total_kb")).isEqualTo(496312);
        assertThat(r.number("absent")).isEqualTo(-1);
        assertThat(r.virtioDevices()).containsExactly(
                new GuestReport.VirtioDevice("virtio0", 3, "virtio_console"),
                new GuestReport.VirtioDevice("virtio1", 2, "virtio_blk"),
                new GuestReport.VirtioDevice("virtio2", 4, "-"));
        assertThat(r.virtioDrivers()).containsExactly("virtio_console", "virtio_blk", "virtio_rng");
        assertThat(r.filesystems()).contains("ext4", "cgroup2").doesNotContain("overlay");
        assertThat(r.get("ns.time")).isEqualTo("EINVAL");
        assertThat(r.get("file./sys/bus/dax")).isEqualTo("no");
        assertThat(r.facts()).doesNotContainKey("broken line without equals");
    }

    @Test
    void noMarkersMeansNotStarted() {
        GuestReport r = GuestReport.parse(List.of("[ 0.1] Linux version 6.12", "Kernel panic - not syncing: x"));
        assertThat(r.started()).isFalse();
        assertThat(r.ended()).isFalse();
        assertThat(r.facts()).isEmpty();
        assertThat(r.linuxVersion()).isNull();
    }

    @Test
    void startedButCutOff() {
        GuestReport r = GuestReport.parse(CONSOLE.subList(0, 8));
        assertThat(r.started()).isTrue();
        assertThat(r.ended()).isFalse();
    }

    @Property(tries = 200)
    void anyKeyValueRoundTrips(@ForAll @AlphaChars @NotBlank @StringLength(max = 20) String key,
                               @ForAll @StringLength(max = 80) String value,
                               @ForAll @StringLength(max = 30) String noise) {
        String cleanValue = value.replaceAll("[\\r\\n]", " ").strip();
        String cleanNoise = noise.replaceAll("[\\r\\n]", " ").replace("KRUNPACK-REPORT ", "");
        GuestReport r = GuestReport.parse(List.of(cleanNoise + "KRUNPACK-REPORT " + key + "=" + cleanValue + "\r"));
        assertThat(r.get(key)).isEqualTo(cleanValue);
    }
}
