package org.inflow.dialect.incron;

/** One table line that became an entry: where it is, what it watches, which events, what it runs. */
public final class IncronEntry {
    private final int line;
    private final byte[] path;
    private final String maskField;
    private final IncronMask.Parsed mask;
    private final byte[] command;

    IncronEntry(int line, byte[] path, String maskField, IncronMask.Parsed mask, byte[] command) {
        this.line = line;
        this.path = path;
        this.maskField = maskField;
        this.mask = mask;
        this.command = command;
    }

    /** 1-based line number in the table file. */
    public int line() {
        return line;
    }

    /** The watched path, escapes resolved, as bytes. */
    public byte[] path() {
        return path.clone();
    }

    /** The mask field as written. */
    public String maskField() {
        return maskField;
    }

    public IncronMask.Parsed mask() {
        return mask;
    }

    /** The command text as written (wildcards not yet expanded). */
    public byte[] command() {
        return command.clone();
    }
}
