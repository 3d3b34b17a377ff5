package org.inflow.rules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A shell wildcard pattern matched on bytes, without backtracking: the common shapes (a literal,
 * "*suffix", "prefix*") are compared directly, anything else runs as a set of pattern positions
 * advanced one input byte at a time, so the cost is linear in the input whatever the pattern.
 */
final class GlobFilter extends PathFilter {
    private static final int LITERAL = 0;
    private static final int ANY = 1;
    private static final int CLASS = 2;
    /** Any run of bytes without '/'. */
    private static final int STAR = 3;
    /** Any run of bytes, '/' included. */
    private static final int GLOBSTAR = 4;

    private static final int EXACT = 0;
    private static final int SUFFIX = 1;
    private static final int PREFIX = 2;
    private static final int GENERAL = 3;

    private final byte[] source;
    private final boolean ignoreCase;
    private final int[] ops;
    private final int[] args;
    private final long[][] classes;
    private final int shape;
    /** The literal bytes of an EXACT, SUFFIX or PREFIX pattern (folded when ignoring case). */
    private final byte[] literal;

    GlobFilter(byte[] pattern, boolean ignoreCase) {
        this.source = pattern;
        this.ignoreCase = ignoreCase;
        List<long[]> sets = new ArrayList<>();
        int[] o = new int[pattern.length];
        int[] a = new int[pattern.length];
        int n = 0;
        int i = 0;
        while (i < pattern.length) {
            int c = pattern[i] & 0xff;
            if (c == '*') {
                int j = i;
                while (j < pattern.length && pattern[j] == '*') {
                    j++;
                }
                o[n++] = j - i > 1 ? GLOBSTAR : STAR;
                i = j;
            } else if (c == '?') {
                o[n++] = ANY;
                i++;
            } else if (c == '[' && classEnd(pattern, i) > 0) {
                long[] set = new long[4];
                int end = parseClass(pattern, i, set);
                o[n] = CLASS;
                a[n++] = sets.size();
                sets.add(set);
                i = end;
            } else {
                if (c == '\\' && i + 1 < pattern.length) {
                    i++;
                    c = pattern[i] & 0xff;
                }
                o[n] = LITERAL;
                a[n++] = fold(c);
                i++;
            }
        }
        ops = Arrays.copyOf(o, n);
        args = Arrays.copyOf(a, n);
        classes = sets.toArray(new long[0][]);
        shape = shapeOf(ops);
        literal = literalOf(ops, args);
    }

    private int fold(int c) {
        return ignoreCase ? Bytes.foldAscii(c) : c;
    }

    @Override
    boolean matches(byte[] b, int off, int len, MatchScratch scratch) {
        switch (shape) {
            case EXACT:
                return len == literal.length && same(b, off);
            case SUFFIX:
                return len >= literal.length && same(b, off + len - literal.length)
                        && noSlash(b, off, len - literal.length);
            case PREFIX:
                return len >= literal.length && same(b, off)
                        && noSlash(b, off + literal.length, len - literal.length);
            default:
                return run(b, off, len, scratch);
        }
    }

    private boolean same(byte[] b, int at) {
        if (!ignoreCase) {
            return Arrays.equals(b, at, at + literal.length, literal, 0, literal.length); // vectorised
        }
        for (int i = 0; i < literal.length; i++) {
            if (fold(b[at + i] & 0xff) != (literal[i] & 0xff)) {
                return false;
            }
        }
        return true;
    }

    private static boolean noSlash(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) {
            if (b[off + i] == '/') {
                return false;
            }
        }
        return true;
    }

    /** Position p in a state set means "the first p tokens have matched". */
    private boolean run(byte[] b, int off, int len, MatchScratch scratch) {
        int n = ops.length;
        int words = (n >>> 6) + 1;
        long[] cur = scratch.states(0, words);
        long[] next = scratch.states(1, words);
        Arrays.fill(cur, 0, words, 0L);
        cur[0] = 1L;
        close(cur);
        for (int i = 0; i < len; i++) {
            int c = b[off + i] & 0xff;
            int fc = fold(c);
            Arrays.fill(next, 0, words, 0L);
            boolean alive = false;
            for (int w = 0; w < words; w++) {
                long bits = cur[w];
                while (bits != 0) {
                    int p = (w << 6) + Long.numberOfTrailingZeros(bits);
                    bits &= bits - 1;
                    if (p == n) {
                        continue;
                    }
                    int to = step(p, c, fc);
                    if (to >= 0) {
                        next[to >>> 6] |= 1L << to;
                        alive = true;
                    }
                }
            }
            if (!alive) {
                return false;
            }
            close(next);
            long[] t = cur;
            cur = next;
            next = t;
        }
        return (cur[n >>> 6] & (1L << n)) != 0;
    }

    /** Where token p goes on byte c: p+1, p (a star staying), or -1. */
    private int step(int p, int c, int fc) {
        switch (ops[p]) {
            case LITERAL:
                return args[p] == fc ? p + 1 : -1;
            case ANY:
                return c != '/' ? p + 1 : -1;
            case CLASS:
                return c != '/' && (classes[args[p]][c >>> 6] & (1L << c)) != 0 ? p + 1 : -1;
            case STAR:
                return c != '/' ? p : -1;
            default:
                return p;
        }
    }

    /** A star may also match nothing: wherever it is, the position after it is reached too. */
    private void close(long[] states) {
        for (int p = 0; p < ops.length; p++) {
            if ((ops[p] == STAR || ops[p] == GLOBSTAR) && (states[p >>> 6] & (1L << p)) != 0) {
                int q = p + 1;
                states[q >>> 6] |= 1L << q;
            }
        }
    }

    @Override
    IndexKeys indexKeys() {
        if (shape == EXACT) {
            return IndexKeys.name(literal);
        }
        // A literal tail after a literal '.' is the extension of every name the pattern matches.
        int end = ops.length;
        int p = end - 1;
        while (p >= 0 && ops[p] == LITERAL && args[p] != '.') {
            p--;
        }
        if (p < 0 || ops[p] != LITERAL) {
            return null;
        }
        byte[] ext = new byte[end - p - 1];
        for (int i = 0; i < ext.length; i++) {
            ext[i] = (byte) args[p + 1 + i];
        }
        return IndexKeys.extension(ext);
    }

    private static int shapeOf(int[] ops) {
        int stars = 0;
        int literals = 0;
        for (int op : ops) {
            if (op == STAR) {
                stars++;
            } else if (op == LITERAL) {
                literals++;
            }
        }
        if (literals == ops.length) {
            return EXACT;
        }
        if (stars == 1 && literals == ops.length - 1) {
            if (ops[0] == STAR) {
                return SUFFIX;
            }
            if (ops[ops.length - 1] == STAR) {
                return PREFIX;
            }
        }
        return GENERAL;
    }

    private static byte[] literalOf(int[] ops, int[] args) {
        byte[] out = new byte[ops.length];
        int n = 0;
        for (int i = 0; i < ops.length; i++) {
            if (ops[i] == LITERAL) {
                out[n++] = (byte) args[i];
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** Index just past the ']' that closes the bracket at i, or -1 when it is a plain '['. */
    private static int classEnd(byte[] p, int i) {
        int j = i + 1;
        if (j < p.length && (p[j] == '!' || p[j] == '^')) {
            j++;
        }
        if (j < p.length && p[j] == ']') {
            j++;
        }
        while (j < p.length) {
            if (p[j] == '[' && j + 1 < p.length && p[j + 1] == ':') {
                int close = find(p, j + 2, ':', ']');
                if (close > 0) {
                    j = close + 2;
                    continue;
                }
            }
            if (p[j] == '\\' && j + 1 < p.length) {
                j += 2;
                continue;
            }
            if (p[j] == ']') {
                return j + 1;
            }
            j++;
        }
        return -1;
    }

    private static int find(byte[] p, int from, char a, char b) {
        for (int k = from; k + 1 < p.length; k++) {
            if (p[k] == a && p[k + 1] == b) {
                return k;
            }
        }
        return -1;
    }

    private int parseClass(byte[] p, int i, long[] set) {
        int end = classEnd(p, i);
        int j = i + 1;
        boolean negate = p[j] == '!' || p[j] == '^';
        if (negate) {
            j++;
        }
        boolean first = true;
        while (j < end - 1 || first) {
            int c = p[j] & 0xff;
            first = false;
            if (c == '[' && p[j + 1] == ':') {
                int close = find(p, j + 2, ':', ']');
                if (close > 0) {
                    String name = new String(p, j + 2, close - j - 2, java.nio.charset.StandardCharsets.ISO_8859_1);
                    if (!PosixClass.known(name)) {
                        throw new IllegalArgumentException("unknown character class [:" + name + ":] in glob '"
                                + Bytes.show(source) + "'");
                    }
                    for (int x = 0; x < 256; x++) {
                        if (PosixClass.contains(name, x)) {
                            add(set, x);
                        }
                    }
                    j = close + 2;
                    continue;
                }
            }
            if (c == '\\') {
                j++;
                c = p[j] & 0xff;
            }
            j++;
            if (p[j] == '-' && j + 1 < end - 1) {
                int hi = p[j + 1] & 0xff;
                j += 2;
                if (hi == '\\' && j < end - 1) {
                    hi = p[j] & 0xff;
                    j++;
                }
                for (int x = c; x <= hi; x++) {
                    add(set, x);
                }
            } else {
                add(set, c);
            }
        }
        if (negate) {
            for (int w = 0; w < 4; w++) {
                set[w] = ~set[w];
            }
        }
        return end;
    }

    private void add(long[] set, int c) {
        set[c >>> 6] |= 1L << c;
        if (ignoreCase) {
            int other = c >= 'a' && c <= 'z' ? c - 32 : c >= 'A' && c <= 'Z' ? c + 32 : c;
            set[other >>> 6] |= 1L << other;
        }
    }

    @Override
    public String toString() {
        return (ignoreCase ? "iglob:" : "glob:") + Bytes.show(source);
    }
}
