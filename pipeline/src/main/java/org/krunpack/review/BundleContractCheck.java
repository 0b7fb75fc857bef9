package org.krunpack.review;

import org.krunpack.core.Sandbox;
import org.krunpack.verify.ContractCheck;
import org.krunpack.verify.LibraryVerifier;
import org.krunpack.verify.VerifyResult;

import java.nio.file.Path;
import java.util.List;

/**
 * The bundle contract of domain.md section 3 (alignment, writable, SONAME matching the ABI,
 * exported functions), checked on a libkrunfw shared object extracted from the RPM. The pipeline
 * uses {@link #verifyLib(Sandbox)}; tests pass fakes. Without an implementation the check is
 * reported as not evaluated.
 */
@FunctionalInterface
public interface BundleContractCheck {
    /** One contract problem. */
    record Problem(String what, String evidence) {
    }

    /**
     * What the check found: problems (the contract is broken), and the parts it could not evaluate
     * (no sandbox, inputs not trusted); no problem and nothing open means the contract holds.
     */
    record Outcome(List<Problem> problems, List<String> notEvaluated) {
        public Outcome {
            problems = List.copyOf(problems);
            notEvaluated = List.copyOf(notEvaluated);
        }

        public static Outcome of(List<Problem> problems) {
            return new Outcome(problems, List.of());
        }
    }

    /** Checks the library at {@code library} (a temporary copy extracted from the RPM). */
    Outcome check(Path library);

    /**
     * The real check: verify-lib's static ELF inspection and, when those pass, its dlopen calls in
     * {@code sandbox}; every failed check is a problem, every check it could not run is open.
     */
    static BundleContractCheck verifyLib(Sandbox sandbox) {
        return library -> {
            VerifyResult r = LibraryVerifier.verify(library, null, sandbox);
            return new Outcome(r.failures().stream().map(c -> new Problem(c.name(), c.evidence())).toList(),
                    r.notEvaluated().stream().map(ContractCheck::evidence).distinct().toList());
        };
    }
}
