package org.inflow.cli;

import org.inflow.kernel.Abi;
import org.inflow.rules.InotifyMask;
import org.inflow.pipeline.FsEvent;

/**
 * What inotifywait shows of an event: the watched path (%w, with a trailing slash for
 * directories), the file name (%f) and the event names (%e). Knows which roots are files.
 */
final class EventView {
    private final boolean[] fileRoots;

    EventView(boolean[] fileRoots) {
        this.fileRoots = fileRoots;
    }

    /** The engine said (on READY) that this root is a single file: %w has no trailing slash. */
    void markFileRoot(int root) {
        if (root >= 0 && root < fileRoots.length) {
            fileRoots[root] = true;
        }
    }

    /** %w: the directory the event happened in, as inotifywait prints it. */
    void watched(FsEvent e, LineBuffer out) {
        if (e.kind == Abi.KIND_OVERFLOW) {
            return;
        }
        out.append(e.dirBytes(), 0, e.dirLength());
        boolean fileRoot = e.root >= 0 && e.root < fileRoots.length && fileRoots[e.root];
        int n = e.dirLength();
        if (!fileRoot && (n == 0 || e.dirBytes()[n - 1] != '/')) {
            out.append((byte) '/');
        }
    }

    /** %f */
    void name(FsEvent e, LineBuffer out) {
        out.append(e.nameBytes(), 0, e.nameLength());
    }

    /** %e with the given separator between names. */
    void events(FsEvent e, char sep, LineBuffer out) {
        int start = out.length();
        switch (e.kind) {
            case Abi.KIND_RESCAN_BEGIN:
                out.append("RESCAN_BEGIN");
                return;
            case Abi.KIND_RESCAN_END:
                out.append("RESCAN_END");
                return;
            default:
                break;
        }
        for (int i = 0; i < InotifyMask.nameCount(); i++) {
            String name = InotifyMask.name(e.mask, i);
            if (name != null) {
                if (out.length() != start) {
                    out.append(String.valueOf(sep));
                }
                out.append(name);
            }
        }
        if (e.isRescan()) {
            out.append(String.valueOf(sep)).append("RESCAN");
        }
    }

    /** The event names as separate strings, for JSON. */
    static void eachName(FsEvent e, java.util.function.Consumer<String> to) {
        if (e.kind == Abi.KIND_RESCAN_BEGIN) {
            to.accept("RESCAN_BEGIN");
            return;
        }
        if (e.kind == Abi.KIND_RESCAN_END) {
            to.accept("RESCAN_END");
            return;
        }
        for (int i = 0; i < InotifyMask.nameCount(); i++) {
            String name = InotifyMask.name(e.mask, i);
            if (name != null) {
                to.accept(name);
            }
        }
        if (e.isRescan()) {
            to.accept("RESCAN");
        }
    }
}
