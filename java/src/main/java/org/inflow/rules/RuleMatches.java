package org.inflow.rules;

import java.util.Arrays;

/**
 * Where {@link RuleIndex} writes the rules an event matches, in index order. One per matching
 * thread, reused for every event: it also carries that thread's scratch memory.
 */
public final class RuleMatches {
    private Rule[] rules = new Rule[8];
    private int size;
    final MatchScratch scratch = new MatchScratch();

    public int size() {
        return size;
    }

    public Rule get(int i) {
        if (i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return rules[i];
    }

    void clear() {
        // Once per event: the slots are overwritten by the next match, so they are not nulled
        // (a reloaded-away rule stays referenced until then, no longer).
        size = 0;
    }

    void add(Rule r) {
        if (size == rules.length) {
            rules = Arrays.copyOf(rules, size * 2);
        }
        rules[size++] = r;
    }
}
