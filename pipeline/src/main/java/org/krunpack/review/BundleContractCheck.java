package org.krunpack.review;

import java.nio.file.Path;
import java.util.List;

/**
 * The bundle contract of domain.md section 3 (alignment, writable, SONAME matching the ABI,
 * exported functions), checked on a libkrunfw shared object extracted from the RPM. The pipeline
 * uses {@link #verifyLib()}; tests pass fakes. Without an implementation the check is reported
 * as not evaluated.
 */
@FunctionalInterface
public interface BundleContractCheck {
    /** One contract problem (empty list = the library honours the contract). */
    record Problem(String what, String evidence) {
    }

    /** Checks the library at {@code library} (a temporary copy extracted from the RPM). */
    List<Problem> check(Path library);

    /** The real check: verify-lib's ELF inspection and dlopen calls; every failed check is a problem. */
    static BundleContractCheck verifyLib() {
        return library -> org.krunpack.verify.LibraryVerifier.verify(library, null).failures().stream()
                .map(c -> new Problem(c.name(), c.evidence())).toList();
    }
}
