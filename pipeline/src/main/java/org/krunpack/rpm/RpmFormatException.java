package org.krunpack.rpm;

import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;

/** A file that is not a well-formed RPM (truncated, corrupted, or not an RPM at all). Exit code 2. */
public final class RpmFormatException extends KrunpackException {
    public RpmFormatException(String message) {
        super(ExitCode.USAGE, message);
    }

    public RpmFormatException(String message, Throwable cause) {
        super(ExitCode.USAGE, message, cause);
    }
}
