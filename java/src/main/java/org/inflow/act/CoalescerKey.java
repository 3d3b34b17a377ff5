package org.inflow.act;

import java.util.Arrays;

import org.inflow.rules.Rule;

/**
 * What events coalesce by: a rule and a path, or a rule and its whole root. One instance is a
 * reusable probe pointing at the coalescer's path buffer; a key is copied only when it is new.
 */
final class CoalescerKey {
    /** Per-path jobs: keyed by the full path. */
    static final int PATH = 0;
    /** Jobs of the whole root that collect paths. */
    static final int ROOT = 1;
    /** The overflow job of a per-path rule, apart from its path keys. */
    static final int OVERFLOW = 2;

    private static final byte[] NO_BYTES = new byte[0];

    Rule rule;
    int kind;
    byte[] bytes;
    int length;
    private int hash;

    CoalescerKey point(Rule r, int k, byte[] b, int len, int pathHash) {
        rule = r;
        kind = k;
        bytes = b;
        length = len;
        hash = (pathHash * 31 + Long.hashCode(r.id())) * 3 + k;
        return this;
    }

    CoalescerKey pointAtRoot(Rule r, int k) {
        return point(r, k, NO_BYTES, 0, 0);
    }

    CoalescerKey copy() {
        CoalescerKey c = new CoalescerKey();
        c.rule = rule;
        c.kind = kind;
        c.bytes = length == 0 ? NO_BYTES : Arrays.copyOf(bytes, length);
        c.length = length;
        c.hash = hash;
        return c;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CoalescerKey)) {
            return false;
        }
        CoalescerKey k = (CoalescerKey) o;
        return k.hash == hash && k.rule == rule && k.kind == kind
                && Arrays.equals(k.bytes, 0, k.length, bytes, 0, length);
    }
}
