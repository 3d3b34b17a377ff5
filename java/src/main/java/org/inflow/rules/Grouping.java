package org.inflow.rules;

/** What one job of a rule stands for, and so what its events are coalesced by. */
public enum Grouping {
    /** One job per changed path: events fold by full path. */
    PER_PATH,
    /** One job for the whole root: events fold together and the job lists the changed paths. */
    PER_ROOT
}
