package org.krunpack.core;

import java.util.ArrayList;
import java.util.List;

/** A unified diff of two texts (LCS based; fine for files of a few hundred lines such as specs). */
public final class UnifiedDiff {
    private UnifiedDiff() {
    }

    /** The diff with {@code context} lines around each change, or "" when the texts are equal. */
    public static String diff(String aName, String a, String bName, String b, int context) {
        List<String> x = a.lines().toList();
        List<String> y = b.lines().toList();
        int n = x.size(), m = y.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = x.get(i).equals(y.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        // edit script: ' ' keep, '-' delete, '+' insert, with positions in a and b
        List<char[]> ops = new ArrayList<>();
        List<int[]> pos = new ArrayList<>();
        int i = 0, j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && x.get(i).equals(y.get(j))) {
                ops.add(new char[] {' '});
                pos.add(new int[] {i++, j++});
            } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
                ops.add(new char[] {'-'});
                pos.add(new int[] {i++, j});
            } else {
                ops.add(new char[] {'+'});
                pos.add(new int[] {i, j++});
            }
        }
        StringBuilder out = new StringBuilder();
        int k = 0;
        while (k < ops.size()) {
            if (ops.get(k)[0] == ' ') {
                k++;
                continue;
            }
            int start = Math.max(0, k - context);
            int end = k;
            // extend the hunk while changes are within 2*context of each other
            int last = k;
            for (int q = k; q < ops.size(); q++) {
                if (ops.get(q)[0] != ' ') {
                    last = q;
                } else if (q - last > 2 * context) {
                    break;
                }
            }
            end = Math.min(ops.size(), last + context + 1);
            int aStart = pos.get(start)[0], bStart = pos.get(start)[1];
            int aLen = 0, bLen = 0;
            StringBuilder body = new StringBuilder();
            for (int q = start; q < end; q++) {
                char op = ops.get(q)[0];
                int[] p = pos.get(q);
                String line = op == '+' ? y.get(p[1]) : x.get(p[0]);
                body.append(op).append(line).append('\n');
                if (op != '+') {
                    aLen++;
                }
                if (op != '-') {
                    bLen++;
                }
            }
            out.append("@@ -").append(range(aStart, aLen)).append(" +").append(range(bStart, bLen)).append(" @@\n")
                    .append(body);
            k = end;
        }
        if (out.length() == 0) {
            return "";
        }
        return "--- " + aName + "\n+++ " + bName + "\n" + out;
    }

    private static String range(int start, int len) {
        return (len == 0 ? start : start + 1) + "," + len;
    }
}
