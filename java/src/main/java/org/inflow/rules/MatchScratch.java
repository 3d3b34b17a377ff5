package org.inflow.rules;

import java.util.Arrays;

/**
 * The reusable memory one matching thread needs, so that matching an event allocates nothing:
 * a char view for regexes, state sets for globs, the relative path being built, the index probe.
 */
final class MatchScratch {
    final ByteChars chars = new ByteChars();
    final ByteKey probe = new ByteKey();
    private long[] statesA = new long[1];
    private long[] statesB = new long[1];
    byte[] relative = new byte[256];

    long[] states(int which, int words) {
        if (which == 0) {
            if (statesA.length < words) {
                statesA = new long[words];
            }
            return statesA;
        }
        if (statesB.length < words) {
            statesB = new long[words];
        }
        return statesB;
    }

    /** Makes room for n bytes of relative path, keeping what is there. */
    byte[] relative(int n) {
        if (relative.length < n) {
            relative = Arrays.copyOf(relative, Math.max(n, relative.length * 2));
        }
        return relative;
    }
}
