package org.inflow.dialect.pyconf;

import java.util.LinkedHashMap;
import java.util.Map;

/** The inotify event names pyinotify users write in emask, and their bits. */
public final class EventNames {
    private static final Map<String, Integer> BITS = new LinkedHashMap<>();

    static {
        BITS.put("IN_ACCESS", 0x1);
        BITS.put("IN_MODIFY", 0x2);
        BITS.put("IN_ATTRIB", 0x4);
        BITS.put("IN_CLOSE_WRITE", 0x8);
        BITS.put("IN_CLOSE_NOWRITE", 0x10);
        BITS.put("IN_CLOSE", 0x18);
        BITS.put("IN_OPEN", 0x20);
        BITS.put("IN_MOVED_FROM", 0x40);
        BITS.put("IN_MOVED_TO", 0x80);
        BITS.put("IN_MOVE", 0xc0);
        BITS.put("IN_CREATE", 0x100);
        BITS.put("IN_DELETE", 0x200);
        BITS.put("IN_DELETE_SELF", 0x400);
        BITS.put("IN_MOVE_SELF", 0x800);
        BITS.put("ALL_EVENTS", 0xfff);
        BITS.put("IN_ALL_EVENTS", 0xfff);
    }

    private EventNames() {
    }

    /** The bits of a name, or 0 when it is not an event name. */
    public static int bits(String name) {
        return BITS.getOrDefault(name, 0);
    }

    /** The names that may be used, for messages. */
    public static String known() {
        return String.join(", ", BITS.keySet());
    }
}
