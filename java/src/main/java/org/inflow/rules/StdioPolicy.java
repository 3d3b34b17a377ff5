package org.inflow.rules;

/** Where a child's standard output and error go (its input is /dev/null unless CLOSED). */
public enum StdioPolicy {
    CLOSED,
    /** The daemon's own standard output and error (a foreground runner such as inflow watch). */
    INHERIT,
    DEV_NULL,
    /** Read line by line and written to the daemon's log, tagged with the rule. */
    LOG_LINES
}
