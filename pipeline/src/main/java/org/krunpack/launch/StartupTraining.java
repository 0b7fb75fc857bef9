package org.krunpack.launch;

import org.krunpack.cli.Main;
import org.krunpack.core.AtomicFiles;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The training run the launcher ({@code ./krunpack}) records its start-up archive from: a
 * class-data-sharing archive (Java 17-24) or an AOT cache (Java 25+) holds the classes a run
 * loaded, parsed and linked, so later runs map them instead of loading them again. Whatever the
 * first command a user runs, the archive should hold what the common commands need: this run
 * builds every command's help and bundles a tiny synthetic kernel in text and JSON form, in a
 * temporary directory it deletes, printing nothing. See docs/benchmarks.md, "Start-up".
 */
public final class StartupTraining {
    private StartupTraining() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("krunpack-training.");
        try {
            run(dir); // a command that fails still trained what it loaded: the archive is kept
        } finally {
            AtomicFiles.deleteTree(dir);
        }
    }

    /** Runs the training commands in {@code dir}; returns those that did not exit 0. */
    static List<String> run(Path dir) throws IOException {
        List<String> failed = new ArrayList<>();
        execute(failed, "--help");
        for (String name : Main.SUBCOMMANDS) {
            execute(failed, name, "--help");
        }
        Path project = Files.writeString(dir.resolve("krunpack.yaml"), """
                # A project file shaped like the repository's (block style, comments, lists).
                libkrunfw:
                  version: "5.5.0"
                  abi: 5
                kernel:
                  version: "6.12.117"
                arch: x86_64
                variant: generic
                sourceDateEpoch: 1735689600
                sources:
                  kernel:
                    - path: linux.tar.xz
                      sha512: %s
                config:
                  fragments:
                    - base.config
                """.formatted("0".repeat(128)));
        Files.writeString(dir.resolve("base.config"), "CONFIG_64BIT=y\n");
        Path image = Files.write(dir.resolve("vmlinux"), tinyVmlinux());
        for (String format : new String[] {"text", "json"}) {
            execute(failed, "bundle", "-c", project.toString(), "--image", image.toString(), "--out",
                    dir.resolve("out").toString(), "--format", format);
        }
        return failed;
    }

    private static void execute(List<String> failed, String... args) {
        CommandLine cl = Main.commandLineFor(args);
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        cl.setOut(nowhere);
        cl.setErr(nowhere);
        if (cl.execute(args) != 0) {
            failed.add(String.join(" ", args));
        }
    }

    /** An x86_64 vmlinux reduced to its shape: ET_EXEC, one PT_LOAD at 0xffffffff81000000. */
    static byte[] tinyVmlinux() {
        ByteBuffer b = ByteBuffer.allocate(64 + 56 + 64).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        b.putShort((short) 2).putShort((short) 62).putInt(1).putLong(0x1000000L).putLong(64).putLong(0)
                .putInt(0).putShort((short) 64).putShort((short) 56).putShort((short) 1).putShort((short) 64)
                .putShort((short) 0).putShort((short) 0);
        b.putInt(1).putInt(5).putLong(120).putLong(0xffffffff81000000L).putLong(0x1000000L).putLong(64)
                .putLong(64).putLong(0x200000);
        return b.array();
    }
}
