package org.krunpack.pipeline;

import org.krunpack.smoke.Accelerator;

import java.time.Duration;

/**
 * What a command asks of the steps beyond the project file.
 *
 * @param useCache     skip steps whose inputs are unchanged (off: --no-cache)
 * @param freshTree    extract the kernel tree again even when it could be reused
 * @param strictConfig fail on redefinitions between fragments (adds to config.strict)
 * @param acceptConfig write the resolved config as the new full config (config --accept)
 * @param acceptTarget where --accept writes (null: the project's config.full)
 * @param accel        accelerator for the smoke boot
 * @param smokeTimeout smoke boot timeout (null: the default for the accelerator)
 */
public record RunOptions(boolean useCache, boolean freshTree, boolean strictConfig, boolean acceptConfig,
                         java.nio.file.Path acceptTarget, Accelerator.Mode accel, Duration smokeTimeout) {
    public static RunOptions defaults() {
        return new RunOptions(true, false, false, false, null, Accelerator.Mode.auto, null);
    }

    public RunOptions withCache(boolean use, boolean fresh) {
        return new RunOptions(use, fresh, strictConfig, acceptConfig, acceptTarget, accel, smokeTimeout);
    }

    public RunOptions withConfig(boolean strict, boolean accept, java.nio.file.Path target) {
        return new RunOptions(useCache, freshTree, strict, accept, target, accel, smokeTimeout);
    }

    public RunOptions withSmoke(Accelerator.Mode a, Duration timeout) {
        return new RunOptions(useCache, freshTree, strictConfig, acceptConfig, acceptTarget, a, timeout);
    }
}
