package org.inflow.dialect.pyconf;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.inflow.rules.InotifyMask.*;

/** The inotify event names pyinotify users write in emask, and their bits. */
public final class EventNames {
    private static final Map<String, Integer> BITS = new LinkedHashMap<>();

    static {
        BITS.put("IN_ACCESS", IN_ACCESS);
        BITS.put("IN_MODIFY", IN_MODIFY);
        BITS.put("IN_ATTRIB", IN_ATTRIB);
        BITS.put("IN_CLOSE_WRITE", IN_CLOSE_WRITE);
        BITS.put("IN_CLOSE_NOWRITE", IN_CLOSE_NOWRITE);
        BITS.put("IN_CLOSE", IN_CLOSE);
        BITS.put("IN_OPEN", IN_OPEN);
        BITS.put("IN_MOVED_FROM", IN_MOVED_FROM);
        BITS.put("IN_MOVED_TO", IN_MOVED_TO);
        BITS.put("IN_MOVE", IN_MOVE);
        BITS.put("IN_CREATE", IN_CREATE);
        BITS.put("IN_DELETE", IN_DELETE);
        BITS.put("IN_DELETE_SELF", IN_DELETE_SELF);
        BITS.put("IN_MOVE_SELF", IN_MOVE_SELF);
        BITS.put("ALL_EVENTS", IN_ALL_EVENTS);
        BITS.put("IN_ALL_EVENTS", IN_ALL_EVENTS);
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
