package org.inflow.rules;

import java.util.function.UnaryOperator;

/**
 * The rule index the pipeline matches against now. A reload builds a new index beside the old one
 * and swaps it in whole, so a consumer sees all of the old rules or all of the new, never a mix,
 * and never waits for the reload.
 */
public final class LiveRules {
    private volatile RuleIndex current;

    public LiveRules() {
        this(RuleIndex.EMPTY);
    }

    public LiveRules(RuleIndex initial) {
        current = initial;
    }

    public RuleIndex current() {
        return current;
    }

    public synchronized void replace(RuleIndex next) {
        current = next;
    }

    /** Applies a change to the current index; changes from several threads do not lose each other. */
    public synchronized RuleIndex update(UnaryOperator<RuleIndex> change) {
        RuleIndex next = change.apply(current);
        current = next;
        return next;
    }
}
