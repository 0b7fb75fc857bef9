package org.krunpack.kconfig;

/**
 * One option as written in a fragment or a .config.
 *
 * @param symbol       the symbol without the {@code CONFIG_} prefix (e.g. {@code VIRTIO_MMIO})
 * @param value        y, m, n (also for "is not set"), a number, 0x-hex, or a quoted string
 * @param file         the file's display name (for messages: {@code 10-base.config})
 * @param line         1-based line number
 * @param exemptReason the reason from a {@code # krunpack-exempt: <reason>} line just above, or null
 */
public record ConfigEntry(String symbol, String value, String file, int line, String exemptReason) {
    /** {@code file:line}. */
    public String where() {
        return file + ":" + line;
    }

    /** True for n ("is not set"). */
    public boolean isOff() {
        return "n".equals(value);
    }

    /** The line as written in a config file. */
    public String configLine() {
        return isOff() ? "# CONFIG_" + symbol + " is not set" : "CONFIG_" + symbol + "=" + value;
    }
}
