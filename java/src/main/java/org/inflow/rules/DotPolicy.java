package org.inflow.rules;

/** Whether entries whose name starts with '.' below a rule's root reach the rule. */
public enum DotPolicy {
    INCLUDE,
    /** Ignore an event when its name, or any directory between the root and it, starts with '.'. */
    IGNORE
}
