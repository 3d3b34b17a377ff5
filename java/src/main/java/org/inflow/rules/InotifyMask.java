package org.inflow.rules;

import java.util.Locale;

/**
 * inotify(7) mask bits, the unit of every rule's mask (so every dialect names them from here), and
 * the names inotifywait gives them, in the order it prints them.
 */
public final class InotifyMask {
    public static final int IN_ACCESS = 0x1;
    public static final int IN_MODIFY = 0x2;
    public static final int IN_ATTRIB = 0x4;
    public static final int IN_CLOSE_WRITE = 0x8;
    public static final int IN_CLOSE_NOWRITE = 0x10;
    public static final int IN_OPEN = 0x20;
    public static final int IN_MOVED_FROM = 0x40;
    public static final int IN_MOVED_TO = 0x80;
    public static final int IN_CREATE = 0x100;
    public static final int IN_DELETE = 0x200;
    public static final int IN_DELETE_SELF = 0x400;
    public static final int IN_MOVE_SELF = 0x800;
    public static final int IN_UNMOUNT = 0x2000;
    public static final int IN_Q_OVERFLOW = 0x4000;
    public static final int IN_IGNORED = 0x8000;
    public static final int IN_ONLYDIR = 0x01000000;
    public static final int IN_DONT_FOLLOW = 0x02000000;
    public static final int IN_ISDIR = 0x40000000;
    public static final int IN_ONESHOT = 0x80000000;
    public static final int IN_CLOSE = IN_CLOSE_WRITE | IN_CLOSE_NOWRITE;
    public static final int IN_MOVE = IN_MOVED_FROM | IN_MOVED_TO;
    public static final int IN_ALL_EVENTS = 0xfff;

    /** Bits in the order inotifywait lists them; CLOSE follows the close bit that is set. */
    private static final int[] ORDER = {IN_ACCESS, IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE, IN_CLOSE_NOWRITE,
        IN_OPEN, IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE, IN_DELETE_SELF, IN_UNMOUNT, IN_Q_OVERFLOW,
        IN_IGNORED, IN_CLOSE, IN_MOVE_SELF, IN_ISDIR};
    private static final String[] NAMES = {"ACCESS", "MODIFY", "ATTRIB", "CLOSE_WRITE", "CLOSE_NOWRITE",
        "OPEN", "MOVED_FROM", "MOVED_TO", "CREATE", "DELETE", "DELETE_SELF", "UNMOUNT", "Q_OVERFLOW",
        "IGNORED", "CLOSE", "MOVE_SELF", "ISDIR"};

    private InotifyMask() {
    }

    /** Number of names {@link #name} can return for a mask. */
    public static int nameCount() {
        return ORDER.length;
    }

    /** The i-th name in print order if the mask has it, else null. */
    public static String name(int mask, int i) {
        int bit = ORDER[i];
        boolean set = bit == IN_CLOSE ? (mask & IN_CLOSE) != 0 : (mask & bit) == bit;
        return set ? NAMES[i] : null;
    }

    /**
     * The bits for one inotifywait event name (case-insensitive), or -1 if there is no such event.
     */
    public static int parse(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "access": return IN_ACCESS;
            case "modify": return IN_MODIFY;
            case "attrib": return IN_ATTRIB;
            case "close_write": return IN_CLOSE_WRITE;
            case "close_nowrite": return IN_CLOSE_NOWRITE;
            case "close": return IN_CLOSE;
            case "open": return IN_OPEN;
            case "moved_to": return IN_MOVED_TO;
            case "moved_from": return IN_MOVED_FROM;
            case "move": return IN_MOVE;
            case "move_self": return IN_MOVE_SELF;
            case "create": return IN_CREATE;
            case "delete": return IN_DELETE;
            case "delete_self": return IN_DELETE_SELF;
            case "unmount": return IN_UNMOUNT;
            default: return -1;
        }
    }
}
