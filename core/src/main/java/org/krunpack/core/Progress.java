package org.krunpack.core;

import java.io.PrintStream;

/**
 * Progress for long work: a redrawn bar on a terminal, plain lines (at most one per
 * {@code plainEverySeconds}) otherwise, nothing in quiet/JSON mode (then on stderr only).
 */
public final class Progress {
    private final PrintStream out;
    private final boolean terminal;
    private final String label;
    private long lastPlain;
    private int lastPercent = -1;

    public Progress(PrintStream out, boolean terminal, String label) {
        this.out = out;
        this.terminal = terminal;
        this.label = label;
    }

    /** True when stdout looks like an interactive terminal. */
    public static boolean isTerminal() {
        return System.console() != null && !"dumb".equals(System.getenv("TERM"));
    }

    /** Reports {@code done} of {@code total} units with a short note (e.g. the file being compiled). */
    public void update(long done, long total, String note) {
        if (total <= 0) {
            updateCount(done, note);
            return;
        }
        int percent = (int) Math.min(100, done * 100 / total);
        if (terminal) {
            int width = 30;
            int filled = percent * width / 100;
            String bar = "#".repeat(filled) + "-".repeat(width - filled);
            String n = note == null ? "" : note;
            if (n.length() > 40) {
                n = "..." + n.substring(n.length() - 37);
            }
            out.printf("\r%s [%s] %3d%% %-40s", label, bar, percent, n);
            out.flush();
        } else {
            long now = System.currentTimeMillis();
            if (percent != lastPercent && (now - lastPlain >= 10_000 || percent == 100)) {
                out.printf("%s: %d%% (%d/%d)%n", label, percent, done, total);
                lastPlain = now;
                lastPercent = percent;
            }
        }
    }

    /** Progress without a known total: a running count. */
    private void updateCount(long done, String note) {
        if (terminal) {
            String n = note == null ? "" : note;
            if (n.length() > 50) {
                n = "..." + n.substring(n.length() - 47);
            }
            out.printf("\r%s: %d steps %-50s", label, done, n);
            out.flush();
        } else {
            long now = System.currentTimeMillis();
            if (now - lastPlain >= 10_000) {
                out.printf("%s: %d steps%n", label, done);
                lastPlain = now;
            }
        }
    }

    /** Ends the progress display with a final line. */
    public void done(String message) {
        if (terminal) {
            out.print("\r\033[K");
        }
        out.println(label + ": " + message);
    }
}
