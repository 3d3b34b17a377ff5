package org.inflow.rules;

/** A rule in an index: the engine root its events come from, and its place in the index's order. */
final class BoundRule {
    final Rule rule;
    final int root;
    final int position;

    BoundRule(Rule rule, int root, int position) {
        this.rule = rule;
        this.root = root;
        this.position = position;
    }
}
