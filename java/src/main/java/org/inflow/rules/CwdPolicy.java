package org.inflow.rules;

import java.util.Arrays;

/** The directory a child starts in. */
public final class CwdPolicy {
    public enum Kind {
        /** The directory the event happened in (the root for a job of the whole root). */
        EVENT_DIR,
        FIXED,
        /** Whatever directory the daemon runs in. */
        DAEMON
    }

    private static final CwdPolicy EVENT_DIR = new CwdPolicy(Kind.EVENT_DIR, null);
    private static final CwdPolicy DAEMON = new CwdPolicy(Kind.DAEMON, null);

    private final Kind kind;
    private final byte[] path;

    private CwdPolicy(Kind kind, byte[] path) {
        this.kind = kind;
        this.path = path;
    }

    public static CwdPolicy eventDir() {
        return EVENT_DIR;
    }

    public static CwdPolicy daemon() {
        return DAEMON;
    }

    public static CwdPolicy fixed(byte[] path) {
        if (path == null || path.length == 0) {
            throw new IllegalArgumentException("a fixed working directory needs a path");
        }
        return new CwdPolicy(Kind.FIXED, path.clone());
    }

    public Kind kind() {
        return kind;
    }

    /** The path of a FIXED policy (a copy), else null. */
    public byte[] path() {
        return path == null ? null : path.clone();
    }

    @Override
    public String toString() {
        return kind == Kind.FIXED ? "cwd " + Bytes.show(path) : kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CwdPolicy && ((CwdPolicy) o).kind == kind && Arrays.equals(((CwdPolicy) o).path, path);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Arrays.hashCode(path);
    }
}
