package org.krunpack.review;

import java.nio.file.Path;
import java.util.List;

/**
 * The bundle contract of domain.md section 3 (alignment, writable, SONAME matching the ABI,
 * exported functions), checked on a libkrunfw shared object extracted from the RPM. The pipeline
 * wires this to verify-lib; review only calls it. Without an implementation the check is reported
 * as not evaluated.
 */
@FunctionalInterface
public interface BundleContractCheck {
    /** One contract problem (empty list = the library honours the contract). */
    record Problem(String what, String evidence) {
    }

    /** Checks the library at {@code library} (a temporary copy extracted from the RPM). */
    List<Problem> check(Path library);
}
