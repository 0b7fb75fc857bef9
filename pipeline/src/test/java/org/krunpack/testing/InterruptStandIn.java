package org.krunpack.testing;

import org.krunpack.archive.ExtractLimits;
import org.krunpack.archive.SafeExtractor;
import org.krunpack.core.Interrupts;
import org.krunpack.core.Tools;
import org.krunpack.pipeline.Workspace;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A krunpack run to interrupt, in its own JVM (as {@code cli.Main} installs the handlers): opens a
 * workspace, then either runs a slow child under {@link Tools} (a stand-in for make: a shell that
 * starts a grandchild {@code sleep MARKER} and waits) or extracts a tarball, blocking half-way.
 * Prints {@code READY <temporary>} on stdout when it is at the point to interrupt.
 *
 * <p>Arguments: {@code child OUT MARKER} or {@code extract OUT TARBALL}.
 */
public final class InterruptStandIn {
    private InterruptStandIn() {
    }

    public static void main(String[] args) throws Exception {
        Interrupts.install(System.err, System.out, "stand-in " + args[0], null);
        Path out = Path.of(args[1]);
        try (Workspace ws = Workspace.open(out)) {
            Path tmp = ws.newTempDir(args[0]);
            Files.writeString(tmp.resolve("partial"), "half-written\n");
            if (args[0].equals("child")) {
                Interrupts.activity("make allnoconfig (stand-in)");
                // make → gcc: a child that starts a grandchild; both must die with us.
                Tools.runLogged(List.of("sh", "-c", "sleep " + args[2] + " & echo started; wait"), tmp, null,
                        tmp.resolve("log"), line -> {
                            if (line.equals("started")) {
                                System.out.println("READY " + tmp);
                                System.out.flush();
                            }
                        });
            } else {
                Interrupts.activity("extracting " + args[2]);
                boolean[] said = {false};
                SafeExtractor.extract(Path.of(args[2]), ws.treesDir().resolve("linux"), true,
                        SafeExtractor.Options.of(ExtractLimits.DEFAULTS, null).onBytes(n -> {
                            if (!said[0]) {
                                said[0] = true;
                                System.out.println("READY " + tmp);
                                System.out.flush();
                                try {
                                    Thread.sleep(600_000);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }
                        }));
            }
        }
        System.exit(0);
    }
}
