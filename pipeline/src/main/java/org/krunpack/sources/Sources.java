package org.krunpack.sources;

import org.krunpack.project.Project;

import java.nio.file.Path;

/** The sources step's facade: fetch and verify the project's sources with the default settings. */
public final class Sources {
    private Sources() {
    }

    /** See {@link SourceResolver#fetch(Project, Path)}; writes {@code outDir/sources}. */
    public static SourcesResult fetch(Project project, Path outDir) {
        return SourceResolver.defaults().fetch(project, outDir);
    }
}
