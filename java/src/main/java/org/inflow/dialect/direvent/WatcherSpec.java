package org.inflow.dialect.direvent;

import java.util.ArrayList;
import java.util.List;

/** One `watcher` block as read: its paths and its one handler. */
public final class WatcherSpec {
    /** A `path` statement: the name as written (bytes as chars) and its recursion depth (-1 = all). */
    public static final class PathSpec {
        final String path;
        int depth;
        final Locus locus;

        PathSpec(String path, int depth, Locus locus) {
            this.path = path;
            this.depth = depth;
            this.locus = locus;
        }

        public String path() {
            return path;
        }

        public int depth() {
            return depth;
        }
    }

    /** A `file` pattern: glob, /ERE/, /ERE/i, /BRE/b, optionally negated. */
    static final class Pattern {
        final String text;
        final boolean negated;
        final Kind kind;
        final boolean icase;

        enum Kind { EXACT, GLOB, ERE, BRE }

        Pattern(String text, boolean negated, Kind kind, boolean icase) {
            this.text = text;
            this.negated = negated;
            this.kind = kind;
            this.icase = icase;
        }
    }

    final Locus locus;
    final List<PathSpec> paths = new ArrayList<>();
    /** inotify bits asked for by system names, and generic codes asked for by generic names. */
    int systemMask;
    int genericMask;
    boolean anyEvent;
    final List<Pattern> patterns = new ArrayList<>();
    String command;
    Locus commandLocus;
    String user;
    String group;
    long timeoutSeconds = 5;
    boolean nowait;
    boolean stdout;
    boolean stderr;
    boolean shell;
    final List<String> environ = new ArrayList<>();

    WatcherSpec(Locus locus) {
        this.locus = locus;
    }

    public List<PathSpec> paths() {
        return paths;
    }

    public String command() {
        return command;
    }

    /** inotify bits the handler wants: its system events plus what its generic events stand for. */
    int kernelMask() {
        if (!anyEvent) {
            return Events.systemOf(Events.GEN_ALL);
        }
        return systemMask | Events.systemOf(genericMask);
    }

    /** What genev is limited to: the generic names given, or all when none was. */
    int genericFilter() {
        return anyEvent && genericMask != 0 ? genericMask : Events.GEN_ALL;
    }

    /** direvent's synthesized creates reach only handlers with the generic create. */
    boolean wantsGenericCreate() {
        return !anyEvent || (genericMask & Events.GEN_CREATE) != 0;
    }
}
