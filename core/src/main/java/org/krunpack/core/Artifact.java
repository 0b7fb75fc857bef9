package org.krunpack.core;

import java.nio.file.Path;

/** A file a step produced, named by its role ("vmlinux", "library", "config-report"). */
public record Artifact(String role, Path path) {
}
