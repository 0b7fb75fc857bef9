package org.krunpack.bundle;

import org.krunpack.core.Artifact;
import org.krunpack.core.StepResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bundled library.
 *
 * @param library     {@code <out>/bundle/libkrunfw[-variant].so.<version>}
 * @param links       the SONAME link and the development link, in that order
 * @param soname      the SONAME
 * @param image       the kernel image bundled
 * @param payloadSize the kernel payload's size (a multiple of 64 KiB)
 * @param loadAddr    {@code krunfw_get_kernel}'s load address
 * @param entryAddr   {@code krunfw_get_kernel}'s entry address
 * @param qbootSize   size of the bundled qboot (SEV/TDX), else -1
 * @param initrdSize  size of the bundled initrd (SEV/TDX), else -1
 * @param sha512      the library file's SHA-512
 * @param buildId     the library's GNU build-id (hex), content-derived
 */
public record BundleResult(Path library, List<Path> links, String soname, Path image, long payloadSize,
                           long loadAddr, long entryAddr, long qbootSize, long initrdSize, String sha512,
                           String buildId)
        implements StepResult {

    public BundleResult {
        links = List.copyOf(links);
    }

    @Override
    public String step() {
        return "bundle";
    }

    @Override
    public boolean ok() {
        return true;
    }

    @Override
    public List<Artifact> artifacts() {
        List<Artifact> out = new ArrayList<>();
        out.add(new Artifact("library", library));
        out.add(new Artifact("library-soname-link", links.get(0)));
        out.add(new Artifact("library-dev-link", links.get(1)));
        return out;
    }

    @Override
    public List<String> summary() {
        List<String> out = new ArrayList<>();
        out.add(library.getFileName() + " (SONAME " + soname + ") from " + image);
        out.add(String.format("kernel payload %d bytes (%.1f MiB), load 0x%x, entry 0x%x", payloadSize,
                payloadSize / 1048576.0, loadAddr, entryAddr));
        if (qbootSize >= 0) {
            out.add("qboot " + qbootSize + " bytes, initrd " + initrdSize + " bytes");
        }
        out.add("sha512 " + sha512);
        out.add("build-id " + buildId);
        return out;
    }

    @Override
    public Map<String, Object> details() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("library", library.toAbsolutePath().normalize().toString());
        d.put("links", links.stream().map(p -> p.toAbsolutePath().normalize().toString()).toList());
        d.put("soname", soname);
        d.put("image", image.toAbsolutePath().normalize().toString());
        d.put("payloadSize", payloadSize);
        d.put("loadAddr", String.format("0x%x", loadAddr));
        d.put("entryAddr", String.format("0x%x", entryAddr));
        if (qbootSize >= 0) {
            d.put("qbootSize", qbootSize);
            d.put("initrdSize", initrdSize);
        }
        d.put("sha512", sha512);
        d.put("buildId", buildId);
        return d;
    }
}
