package org.inflow.dialect.incron;

/** Something wrong with one table line, named by file and line. */
public final class IncronProblem {
    /** What the problem costs. */
    public enum Severity {
        /** The line does not run; incrontab rejects the table. */
        ERROR,
        /** The line runs as incron would run it, which is probably not what was meant; incrontab rejects the table. */
        WARNING,
        /** The line runs; worth saying, not worth refusing the table for. */
        NOTICE
    }

    private final String file;
    private final int line;
    private final Severity severity;
    private final String message;

    public IncronProblem(String file, int line, Severity severity, String message) {
        this.file = file;
        this.line = line;
        this.severity = severity;
        this.message = message;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public Severity severity() {
        return severity;
    }

    public String message() {
        return message;
    }

    /** FILE:LINE: message */
    @Override
    public String toString() {
        return file + ":" + line + ": " + message;
    }
}
