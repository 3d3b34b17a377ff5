package org.inflow.rules;

/** Where a child's standard output and error go (its input is /dev/null unless CLOSED). */
public enum StdioPolicy {
    CLOSED,
    /** The daemon's own standard output and error (a foreground runner such as inflow watch). */
    INHERIT,
    DEV_NULL,
    /** Read line by line and written to the daemon's log, tagged with the rule. */
    LOG_LINES,
    /** As LOG_LINES, with stderr read apart so its lines are told from stdout's. */
    LOG_LINES_SPLIT,
    /** Only stdout is logged; stderr goes to /dev/null. */
    LOG_STDOUT,
    /** Only stderr is logged; stdout goes to /dev/null. */
    LOG_STDERR
}
