package org.inflow.daemon;

import java.io.PrintStream;
import java.util.function.BiFunction;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import org.inflow.kernel.Posix;
import org.inflow.rules.LogSink;

/**
 * A daemon's log: syslog(3) with the ident and facility of the tool it replaces, and/or stderr
 * while attached to a terminal, each with its own line format and stderr with a threshold.
 * Thread-safe; a line is never split between writers.
 */
public final class DaemonLog implements LogSink {
    /** Facilities, already shifted as syslog(3) wants them. */
    public static final int LOG_USER = 1 << 3;
    public static final int LOG_DAEMON = 3 << 3;
    public static final int LOG_AUTH = 4 << 3;
    public static final int LOG_AUTHPRIV = 10 << 3;
    public static final int LOG_MAIL = 2 << 3;
    public static final int LOG_CRON = 9 << 3;
    public static final int LOG_LOCAL0 = 16 << 3;

    private static final String[] NAMES = {"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};

    private volatile boolean syslog;
    private volatile PrintStream stderr;
    private volatile int stderrThreshold = DEBUG;
    private volatile BiFunction<Integer, String, String> stderrFormat = (p, m) -> m;
    private volatile BiFunction<Integer, String, String> syslogFormat = (p, m) -> m;

    /** Lower-case syslog name of a priority ("err", "info", ...). */
    public static String priorityName(int priority) {
        return NAMES[Math.max(0, Math.min(7, priority))];
    }

    /** Sends messages to syslog from now on (options: Posix.LOG_PID, LOG_CONS, ...). */
    public DaemonLog toSyslog(String ident, int options, int facility) {
        Posix.openlog(ident, options, facility);
        syslog = true;
        return this;
    }

    public DaemonLog noSyslog() {
        syslog = false;
        return this;
    }

    /** Also writes messages of `threshold` or more urgent to `out` (null: stop). */
    public DaemonLog toStderr(PrintStream out, int threshold) {
        stderr = out;
        stderrThreshold = threshold;
        return this;
    }

    public DaemonLog stderrFormat(BiFunction<Integer, String, String> format) {
        stderrFormat = format;
        return this;
    }

    public DaemonLog syslogFormat(BiFunction<Integer, String, String> format) {
        syslogFormat = format;
        return this;
    }

    public boolean toStderr() {
        return stderr != null;
    }

    @Override
    public void log(int priority, String message) {
        if (syslog) {
            Posix.syslog(priority, syslogFormat.apply(priority, message));
        }
        PrintStream out = stderr;
        if (out != null && priority <= stderrThreshold) {
            String line = stderrFormat.apply(priority, message);
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        }
    }

    /**
     * Routes java.util.logging (what inflow's own classes log through System.Logger) into this
     * log, so nothing of ours writes to stderr behind the daemon's back.
     */
    public DaemonLog captureJavaLogging() {
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        SimpleFormatter text = new SimpleFormatter();
        root.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (!isLoggable(r)) {
                    return;
                }
                String m = text.formatMessage(r);
                if (r.getThrown() != null) {
                    m = m + ": " + r.getThrown();
                }
                log(priorityOf(r.getLevel()), m);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        return this;
    }

    private static int priorityOf(Level level) {
        int v = level.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return ERR;
        }
        if (v >= Level.WARNING.intValue()) {
            return WARNING;
        }
        if (v >= Level.INFO.intValue()) {
            return INFO;
        }
        return DEBUG;
    }
}
