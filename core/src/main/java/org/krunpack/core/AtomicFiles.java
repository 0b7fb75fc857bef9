package org.krunpack.core;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Writes outputs to a temporary sibling and renames it into place, so a reader never sees a
 * half-written file and a failed step leaves the previous output as it was.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** A writer of a file's contents, given the temporary path to write. */
    @FunctionalInterface
    public interface PathWriter {
        void write(Path tmp) throws IOException;
    }

    /** A writer of a file's contents, given a stream. */
    @FunctionalInterface
    public interface StreamWriter {
        void write(OutputStream out) throws IOException;
    }

    public static Path writeString(Path target, String content) {
        return writeBytes(target, content.getBytes(StandardCharsets.UTF_8));
    }

    public static Path writeBytes(Path target, byte[] content) {
        return write(target, tmp -> Files.write(tmp, content));
    }

    public static Path writeStream(Path target, StreamWriter writer) {
        return write(target, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writer.write(out);
            }
        });
    }

    /** Writes {@code target} through a temporary file in the same directory, then renames it. */
    public static Path write(Path target, PathWriter writer) {
        Path abs = target.toAbsolutePath();
        try {
            Files.createDirectories(abs.getParent());
            Path tmp = Interrupts.temporary(Files.createTempFile(abs.getParent(), "." + abs.getFileName()
                    + Interrupts.ownerTag(), ".tmp"));
            try {
                writer.write(tmp);
                move(tmp, abs);
            } finally {
                Files.deleteIfExists(tmp);
                Interrupts.done(tmp);
            }
            return target;
        } catch (IOException e) {
            throw new KrunpackException(ExitCode.EXTERNAL,
                    "cannot write " + target + ": " + e.getMessage() + " (check free space and permissions)", e);
        }
    }

    /**
     * Fills a fresh temporary directory next to {@code target}, then renames it to {@code target},
     * replacing an existing directory only once the new one is complete.
     */
    public static Path writeDirectory(Path target, PathWriter writer) {
        Path abs = target.toAbsolutePath();
        try {
            Files.createDirectories(abs.getParent());
            Path tmp = Interrupts.temporary(Files.createTempDirectory(abs.getParent(), "." + abs.getFileName()
                    + Interrupts.ownerTag()));
            Path old = null;
            try {
                writer.write(tmp);
                if (Files.exists(abs, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    old = Interrupts.temporary(abs.resolveSibling("." + abs.getFileName() + Interrupts.ownerTag()
                            + "old"));
                    deleteTree(old);
                    Files.move(abs, old, StandardCopyOption.ATOMIC_MOVE);
                }
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                deleteTree(tmp);
                Interrupts.done(tmp);
                if (old != null) {
                    deleteTree(old);
                    Interrupts.done(old);
                }
            }
            return target;
        } catch (IOException e) {
            throw new KrunpackException(ExitCode.EXTERNAL,
                    "cannot write directory " + target + ": " + e.getMessage(), e);
        }
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Removes what killed runs left in {@code dir}: temporaries named with an owner pid
     * ({@link Interrupts#ownerTag}) whose process is gone. A live run's temporaries are kept.
     *
     * @return the paths removed
     */
    public static java.util.List<Path> removeLeftovers(Path dir) {
        java.util.List<Path> removed = new java.util.ArrayList<>();
        if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return removed;
        }
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (Interrupts.ownerPid(name) >= 0 && !Interrupts.ownerAlive(name)) {
                    try {
                        deleteTree(p);
                        removed.add(p);
                    } catch (UncheckedIOException e) {
                        // left for a later run
                    }
                }
            }
        } catch (IOException e) {
            // an unreadable directory: nothing to remove there
        }
        return removed;
    }

    /** Deletes a tree without following symbolic links; a missing path is fine. */
    public static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    if (exc != null) {
                        throw exc;
                    }
                    try {
                        Files.delete(dir);
                    } catch (DirectoryNotEmptyException e) {
                        throw e;
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
