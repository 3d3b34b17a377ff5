package org.inflow.rules;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What a dialect compiles a configuration into: its rules and a cap on all their runs at once. */
public final class RuleSet {
    private final List<Rule> rules;
    private final int maxRunning;

    private RuleSet(List<Rule> rules, int maxRunning) {
        this.rules = rules;
        this.maxRunning = maxRunning;
    }

    /** @param maxRunning most children of these rules at once; 0 = no cap */
    public static RuleSet of(List<Rule> rules, int maxRunning) {
        if (maxRunning < 0) {
            throw new IllegalArgumentException("max running must be 0 (no cap) or more: " + maxRunning);
        }
        return new RuleSet(Collections.unmodifiableList(new ArrayList<>(rules)), maxRunning);
    }

    public List<Rule> rules() {
        return rules;
    }

    public int maxRunning() {
        return maxRunning;
    }
}
