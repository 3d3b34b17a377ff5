package org.inflow.cli.direvent;

import org.inflow.rules.LogSink;

/** direvent's logger: messages with a severity, debug ones only at debug level 1 or more. */
final class DirEventLog implements LogSink {
    static final String[] SEVERITY = {"EMERG", "ALERT", "CRIT", "ERROR", "WARNING", "NOTICE", "INFO", "DEBUG"};

    private final LogSink out;
    private volatile int debugLevel;
    private volatile boolean closing;

    DirEventLog(LogSink out, int debugLevel) {
        this.out = out;
        this.debugLevel = debugLevel;
    }

    void debugLevel(int level) {
        debugLevel = level;
    }

    @Override
    public void log(int priority, String message) {
        out.log(priority, message);
    }

    void debug(String message) {
        if (debugLevel > 0) {
            out.log(DEBUG, message);
        }
    }

    /** From now on children end because we stop them: that is not news (5.2 left them running). */
    void closing() {
        closing = true;
    }

    /** How direvent reports a child's end. */
    static void exit(DirEventLog log, long pid, int exitCode, int signal, boolean timedOut) {
        if (log.closing) {
            return;
        }
        if (timedOut) {
            log.log(ERR, "process " + pid + " timed out");
        }
        if (signal != 0) {
            log.log(ERR, "process " + pid + " terminated on signal " + signal);
        } else if (exitCode == 0) {
            log.debug("process " + pid + " exited successfully");
        } else {
            log.log(ERR, "process " + pid + " failed with status " + exitCode);
        }
    }
}
