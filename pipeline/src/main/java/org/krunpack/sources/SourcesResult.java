package org.krunpack.sources;

import org.krunpack.core.Artifact;
import org.krunpack.core.StepResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sources step's result: the kernel tarball used (and which candidate it was), the libkrunfw
 * release if any, the candidates passed over and why, and the Fedora-style {@code sources} file.
 */
public record SourcesResult(FetchedSource kernel, FetchedSource release, List<String> skipped, Path sourcesFile)
        implements StepResult {
    @Override
    public String step() {
        return "sources";
    }

    @Override
    public boolean ok() {
        return true;
    }

    @Override
    public List<Artifact> artifacts() {
        List<Artifact> a = new ArrayList<>();
        a.add(new Artifact("kernel-tarball", kernel.file()));
        if (release != null) {
            a.add(new Artifact("release", release.file()));
        }
        a.add(new Artifact("sources-file", sourcesFile));
        return a;
    }

    @Override
    public List<String> summary() {
        List<String> s = new ArrayList<>();
        s.add("kernel: " + kernel.fileName() + " from " + kernel.origin() + " (" + kernel.where()
                + (kernel.cached() ? ", cached" : "") + ")");
        s.add("  sha512 " + kernel.sha512());
        if (release != null) {
            s.add("release: " + release.fileName() + " from " + release.origin()
                    + (release.sha512() == null ? " (source tree)" : ""));
        }
        for (String k : skipped) {
            s.add("skipped " + k);
        }
        s.add("sources file: " + sourcesFile);
        return s;
    }

    @Override
    public Map<String, Object> details() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kernel", kernel.details());
        m.put("release", release == null ? null : release.details());
        m.put("skipped", skipped);
        m.put("sourcesFile", sourcesFile.toString());
        return m;
    }
}
