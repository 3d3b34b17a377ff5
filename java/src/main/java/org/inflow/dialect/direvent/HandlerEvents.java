package org.inflow.dialect.direvent;

import org.inflow.rules.InotifyMask;

/**
 * What one handler reports for an event, computed from the event's inotify mask the way direvent
 * 5.2 does (§2.3 of the spec): sysev = the event's bits the handler asked for; genev = the generic
 * events those bits belong to, limited to the handler's generic names if it named any. A create that
 * inflow synthesized (a directory created in a recursive watch, an entry found in a new directory,
 * a missing path that appeared) has no system event: sysev 0, genev create, as direvent's own.
 */
final class HandlerEvents {
    /** The mask the dialect uses for the creation of a watched path that did not exist. */
    static final int SENTINEL_CREATE = InotifyMask.IN_CREATE | InotifyMask.IN_CLOSE_WRITE;

    private final int kernelMask;
    private final int genericFilter;
    private final boolean wantsCreate;
    private final boolean recursive;

    HandlerEvents(WatcherSpec w, boolean recursive) {
        this.kernelMask = w.kernelMask();
        this.genericFilter = w.genericFilter();
        this.wantsCreate = w.wantsGenericCreate();
        this.recursive = recursive;
    }

    /** Whether the handler hears of synthesized creates (its generic events include create). */
    boolean wantsSyntheticCreate() {
        return wantsCreate;
    }

    private boolean synthetic(int mask) {
        if ((mask & InotifyMask.IN_CREATE) == 0) {
            return false;
        }
        // the kernel never sets CREATE together with another event: only inflow's listing does
        if ((mask & Events.SYSTEM_BITS & ~InotifyMask.IN_CREATE) != 0) {
            return true;
        }
        // direvent reports a directory made inside a recursive watch by its own create
        return recursive && (mask & InotifyMask.IN_ISDIR) != 0;
    }

    int sysev(int mask) {
        if (synthetic(mask)) {
            return wantsSyntheticCreate() ? 0 : mask & kernelMask & Events.SYSTEM_BITS & ~InotifyMask.IN_CREATE;
        }
        return mask & kernelMask & Events.SYSTEM_BITS;
    }

    int genev(int mask) {
        if (synthetic(mask) && wantsSyntheticCreate()) {
            return Events.GEN_CREATE;
        }
        return Events.genericOf(sysev(mask)) & genericFilter;
    }

    /** The value of a mask-dependent macro, or null where direvent leaves it undefined. */
    String macro(String name, int mask) {
        switch (name) {
            case "sysev_code":
                return Integer.toString(sysev(mask));
            case "sysev_name":
                return Events.systemNames(sysev(mask));
            case "genev_code": {
                int g = genev(mask);
                return Events.genericName(g) == null ? null : Integer.toString(g);
            }
            case "genev_name":
                return Events.genericName(genev(mask));
            default:
                return null;
        }
    }

    static boolean isEventMacro(String name) {
        return name.equals("sysev_code") || name.equals("sysev_name") || name.equals("genev_code") || name.equals("genev_name");
    }
}
