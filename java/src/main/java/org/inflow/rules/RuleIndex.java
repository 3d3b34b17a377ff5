package org.inflow.rules;

import java.util.Arrays;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of the active rules, arranged to find the rules an event matches: a table
 * from the engine's root id to that root's rules, and within a root a look-up by name and
 * extension for rules with simple name globs. Changes make a new index (see {@link LiveRules}).
 * Matching allocates nothing and makes no Strings.
 */
public final class RuleIndex {
    public static final RuleIndex EMPTY = new RuleIndex(new LinkedHashMap<>());


    private final BoundRule[] all;
    private final RootRules[] roots;

    private RuleIndex(Map<Rule, Integer> bindings) {
        List<BoundRule> bound = new ArrayList<>();
        int maxRoot = -1;
        for (Map.Entry<Rule, Integer> e : bindings.entrySet()) {
            bound.add(new BoundRule(e.getKey(), e.getValue(), bound.size()));
            maxRoot = Math.max(maxRoot, e.getValue());
        }
        all = bound.toArray(RootRules.NONE);
        List<List<BoundRule>> byRoot = new ArrayList<>();
        for (int r = 0; r <= maxRoot; r++) {
            byRoot.add(new ArrayList<>());
        }
        for (BoundRule b : bound) {
            byRoot.get(b.root).add(b);
        }
        roots = new RootRules[maxRoot + 1];
        for (int r = 0; r <= maxRoot; r++) {
            roots[r] = byRoot.get(r).isEmpty() ? null : new RootRules(byRoot.get(r));
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this index's rules, for a copy with changes. */
    public Builder toBuilder() {
        Builder b = new Builder();
        for (BoundRule r : all) {
            b.add(r.root, r.rule);
        }
        return b;
    }

    public RuleIndex with(int rootId, Rule rule) {
        return toBuilder().add(rootId, rule).build();
    }

    public RuleIndex without(Rule rule) {
        return toBuilder().remove(rule).build();
    }

    public RuleIndex withoutRoot(int rootId) {
        return toBuilder().removeRoot(rootId).build();
    }

    public int size() {
        return all.length;
    }

    /** Every rule, in index order. */
    public List<Rule> rules() {
        List<Rule> out = new ArrayList<>(all.length);
        for (BoundRule b : all) {
            out.add(b.rule);
        }
        return Collections.unmodifiableList(out);
    }

    /** The engine root the rule is bound to, or -1 when the rule is not in this index. */
    public int rootOf(Rule rule) {
        for (BoundRule b : all) {
            if (b.rule == rule) {
                return b.root;
            }
        }
        return -1;
    }

    /**
     * Writes into {@code out} the rules that want an event: the event bits, the depth of the
     * directory below each rule's root, dot entries, the name filter (on the name, or for an event
     * on a directory itself on the directory's last component) and the excludes (on the path
     * relative to the rule's root) all agree.
     *
     * @param dir the event's directory, no trailing slash (the engine's form)
     * @param name the entry's name; nameLen 0 for an event on the directory itself
     */
    public void match(int root, byte[] dir, int dirLen, byte[] name, int nameLen, int mask, RuleMatches out) {
        out.clear();
        RootRules rr = root >= 0 && root < roots.length ? roots[root] : null;
        if (rr == null) {
            return;
        }
        MatchScratch s = out.scratch;
        byte[] entry = name;
        int entryOff = 0;
        int entryLen = nameLen;
        if (nameLen == 0) {
            entry = dir;
            entryOff = lastSlash(dir, dirLen) + 1;
            entryLen = dirLen - entryOff;
        }
        BoundRule[] rest = rr.unindexed;
        BoundRule[] named = rr.named(entry, entryOff, entryLen, s.probe);
        BoundRule[] extended = rr.withExtension(entry, entryOff, entryLen, s.probe);
        int a = 0;
        int b = 0;
        int c = 0;
        // The three lists are each in index order; merging them keeps it and drops repeats.
        while (a < rest.length || b < named.length || c < extended.length) {
            int next = Integer.MAX_VALUE;
            if (a < rest.length) {
                next = rest[a].position;
            }
            if (b < named.length && named[b].position < next) {
                next = named[b].position;
            }
            if (c < extended.length && extended[c].position < next) {
                next = extended[c].position;
            }
            Rule rule = all[next].rule;
            if (a < rest.length && rest[a].position == next) {
                a++;
            }
            if (b < named.length && named[b].position == next) {
                b++;
            }
            if (c < extended.length && extended[c].position == next) {
                c++;
            }
            if (wants(rule, dir, dirLen, name, nameLen, entry, entryOff, entryLen, mask, s)) {
                out.add(rule);
            }
        }
    }

    /** Every rule bound to this root (for an overflow of that root). */
    public void rulesOn(int root, RuleMatches out) {
        out.clear();
        RootRules rr = root >= 0 && root < roots.length ? roots[root] : null;
        if (rr != null) {
            for (BoundRule b : rr.all) {
                out.add(b.rule);
            }
        }
    }

    /** Every rule (for an overflow of the whole inotify instance). */
    public void allRules(RuleMatches out) {
        out.clear();
        for (BoundRule b : all) {
            out.add(b.rule);
        }
    }

    private static boolean wants(Rule r, byte[] dir, int dirLen, byte[] name, int nameLen,
                                 byte[] entry, int entryOff, int entryLen, int mask, MatchScratch s) {
        if ((mask & r.mask() & ~InotifyMask.IN_ISDIR) == 0) {
            return false;
        }
        int rel = relativeStart(r.rootBytes(), dir, dirLen);
        if (rel < 0) {
            return false;
        }
        boolean ignoreDots = r.dots() == DotPolicy.IGNORE;
        if (r.maxDepth() >= 0 || ignoreDots) {
            int depth = 0;
            boolean dotted = false;
            for (int k = rel; k < dirLen; k++) {
                if (k == rel || dir[k - 1] == '/') {
                    depth++;
                    dotted |= dir[k] == '.';
                }
            }
            if (r.maxDepth() >= 0 && depth > r.maxDepth()) {
                return false;
            }
            if (ignoreDots && (dotted || nameLen > 0 && name[0] == '.')) {
                return false;
            }
        }
        if (r.names() != null && !r.names().matches(entry, entryOff, entryLen, s)) {
            return false;
        }
        PathFilter[] excludes = r.excludeArray();
        return excludes.length == 0 || !excluded(excludes, dir, rel, dirLen, name, nameLen, s);
    }

    /**
     * Where the path relative to the root starts in dir (dirLen when dir is the root itself), or
     * -1 when dir is not the root or below it.
     */
    static int relativeStart(byte[] root, byte[] dir, int dirLen) {
        int n = root.length;
        if (n == 1 && root[0] == '/') {
            return dirLen > 0 && dir[0] == '/' ? 1 : -1;
        }
        if (dirLen < n || !Arrays.equals(root, 0, n, dir, 0, n)) {
            return -1;
        }
        if (dirLen == n) {
            return n;
        }
        return dir[n] == '/' ? n + 1 : -1;
    }

    /** An exclude that matches a directory also excludes everything below it. */
    private static boolean excluded(PathFilter[] excludes, byte[] dir, int rel, int dirLen, byte[] name,
                                    int nameLen, MatchScratch s) {
        int relDir = dirLen - rel;
        int sep = relDir > 0 && nameLen > 0 ? 1 : 0;
        int total = relDir + sep + nameLen;
        if (total == 0) {
            return false;
        }
        byte[] path = s.relative(total);
        System.arraycopy(dir, rel, path, 0, relDir);
        if (sep == 1) {
            path[relDir] = '/';
        }
        System.arraycopy(name, 0, path, relDir + sep, nameLen);
        for (PathFilter f : excludes) {
            for (int end = 1; end <= total; end++) {
                if ((end == total || path[end] == '/') && f.matches(path, 0, end, s)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int lastSlash(byte[] b, int len) {
        for (int i = len - 1; i >= 0; i--) {
            if (b[i] == '/') {
                return i;
            }
        }
        return -1;
    }

    /** Collects (root id, rule) bindings in order. A rule is bound to one root. */
    public static final class Builder {
        private final Map<Rule, Integer> bindings = new LinkedHashMap<>();

        public Builder add(int rootId, Rule rule) {
            if (rootId < 0) {
                throw new IllegalArgumentException("root ids are 0 or more: " + rootId);
            }
            if (bindings.putIfAbsent(rule, rootId) != null) {
                throw new IllegalArgumentException(rule + " is already in the index");
            }
            return this;
        }

        public Builder addAll(int rootId, List<Rule> rules) {
            for (Rule r : rules) {
                add(rootId, r);
            }
            return this;
        }

        public Builder remove(Rule rule) {
            bindings.remove(rule);
            return this;
        }

        public Builder removeRoot(int rootId) {
            bindings.values().removeIf(id -> id == rootId);
            return this;
        }

        public RuleIndex build() {
            return new RuleIndex(new LinkedHashMap<>(bindings));
        }
    }
}
