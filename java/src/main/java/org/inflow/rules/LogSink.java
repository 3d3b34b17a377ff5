package org.inflow.rules;

/**
 * Where a dialect's messages go, with syslog's priorities. The daemon decides what that means
 * (syslog, stderr, both); a dialect only chooses the words, so they match the tool it replaces.
 */
@FunctionalInterface
public interface LogSink {
    int EMERG = 0;
    int ALERT = 1;
    int CRIT = 2;
    int ERR = 3;
    int WARNING = 4;
    int NOTICE = 5;
    int INFO = 6;
    int DEBUG = 7;

    LogSink DISCARD = (priority, message) -> { };

    void log(int priority, String message);
}
