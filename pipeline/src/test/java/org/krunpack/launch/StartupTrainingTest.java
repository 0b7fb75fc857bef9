package org.krunpack.launch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The training run the start-up archive is recorded from runs every command it names cleanly. */
class StartupTrainingTest {
    @TempDir
    Path tmp;

    @Test
    void everyTrainingCommandSucceeds() throws Exception {
        assertThat(StartupTraining.run(tmp)).isEmpty();
        assertThat(tmp.resolve("out/bundle/libkrunfw.so.5.5.0")).isRegularFile();
    }
}
