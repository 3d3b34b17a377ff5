package org.inflow.rules;

import java.util.List;

/**
 * What happens to a rule, told to the dialect that made it, so each dialect logs in the words of
 * the tool it replaces. Called from the daemon's threads (the pipeline's, the spawner's, the
 * reaper's): implementations must be quick and thread-safe. Every method defaults to nothing.
 */
public interface RuleReporter {
    RuleReporter SILENT = new RuleReporter() { };

    /** Changes of a rule's root, as the engine reports them. */
    enum RootState {
        /** The initial crawl is complete: every directory the rule covers is watched. */
        READY,
        /** The root is missing; its nearest existing ancestor is watched until it appears. */
        WAITING,
        /** The root appeared (again) and is watched. */
        ARMED,
        /** The root was deleted, moved away or unmounted. */
        GONE,
        /** The root cannot be watched at all; detail says why. */
        MISSING,
        /** Something below the root could not be watched or listed; detail says what. */
        WARNING,
        /** Events were lost (kernel queue or ring full); a rescan follows. */
        OVERFLOW
    }

    /** @param path the root, or for WAITING the ancestor watched instead; bytes as on disk */
    default void root(Rule rule, RootState state, byte[] path, String detail) {
    }

    /** A child started for the rule; argv as executed (shell commands: the shell's argv). */
    default void started(Rule rule, int pid, List<byte[]> argv) {
    }

    /**
     * The same, with what the run is for: the directory and name of its path (name empty for
     * the root itself or a whole-root job) and the events folded into it. By default this
     * calls the shorter form; a dialect whose tool logs each event overrides this one.
     */
    default void started(Rule rule, int pid, List<byte[]> argv, byte[] dir, byte[] name, int mask) {
        started(rule, pid, argv);
    }

    /** The child ended: exit code (or -1) and signal (or 0); timedOut when inflow stopped it. */
    default void exited(Rule rule, int pid, int exitCode, int signal, boolean timedOut, long durationNanos) {
    }

    /**
     * One line the child wrote, without its newline (rules whose StdioPolicy logs lines); stderr is
     * true only where stderr is read apart from stdout (LOG_LINES_SPLIT, LOG_STDERR).
     */
    default void output(Rule rule, int pid, boolean stderr, byte[] line, int length) {
    }

    /** A run could not be started (no such program, unknown user, ...). */
    default void failed(Rule rule, String why) {
    }
}
