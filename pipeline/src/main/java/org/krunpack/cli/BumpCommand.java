package org.krunpack.cli;

import org.krunpack.project.PackagingConfig;
import org.krunpack.core.KrunpackException;
import org.krunpack.packaging.Bump;
import org.krunpack.packaging.PackagingResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** {@code krunpack bump PACKAGE VERSION [--kernel X.Y.Z]}. */
@Command(name = "bump", mixinStandardHelpOptions = true,
        description = {"Move a package of the packaging model to a new upstream version: version, kernel",
                "(libkrunfw), SHA-512 of the sources found in --source-dir, release 1, a changelog entry;",
                "then regenerate the specs and sources files. See docs/specs.md."})
public final class BumpCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "PACKAGE", description = "libkrunfw, libkrun or crun.")
    String pkg;

    @Parameters(index = "1", paramLabel = "VERSION", description = "The new upstream version.")
    String version;

    @Option(names = "--kernel", paramLabel = "X.Y.Z",
            description = "libkrunfw: the bundled kernel (checked against the release tarball's Makefile when at hand).")
    String kernel;

    @Option(names = "--source-dir", paramLabel = "DIR",
            description = "Folder holding the new source files: their SHA-512 go into the model.")
    Path sourceDir;

    @Option(names = "--date", paramLabel = "YYYY-MM-DD",
            description = "Changelog date (default: from SOURCE_DATE_EPOCH, else today in UTC).")
    String date;

    @Option(names = "--packager", paramLabel = "'NAME <EMAIL>'",
            description = "Changelog author (default: packaging.packager, else $RPM_PACKAGER).")
    String packager;

    @Override
    public Integer call() {
        PackagingConfig cfg = org.krunpack.packaging.ProjectPackaging.config(project());
        PackagingResult r = Bump.run(cfg, new Bump.Request(pkg, version, kernel, sourceDir, date(),
                cfg.packagerOrEnv(packager)));
        return report(r);
    }

    private LocalDate date() {
        if (date != null) {
            try {
                return LocalDate.parse(date);
            } catch (DateTimeParseException e) {
                throw KrunpackException.usage("--date: '" + date + "' is not a date like 2026-11-25");
            }
        }
        String sde = System.getenv("SOURCE_DATE_EPOCH");
        if (sde != null && sde.matches("\\d+")) {
            return Instant.ofEpochSecond(Long.parseLong(sde)).atZone(ZoneOffset.UTC).toLocalDate();
        }
        return LocalDate.now(ZoneOffset.UTC);
    }
}
