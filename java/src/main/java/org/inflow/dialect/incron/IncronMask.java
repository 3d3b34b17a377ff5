package org.inflow.dialect.incron;

import java.util.ArrayList;
import java.util.List;

import static org.inflow.rules.InotifyMask.*;

/**
 * incron's event names and the two ways it writes masks: parsing a table's mask field (numeric
 * or comma-separated names with options) and formatting bits as `$%` and incrontab do, in
 * incron's fixed order with its IN_CLOSE / IN_MOVE / IN_ALL_EVENTS folding.
 */
public final class IncronMask {

    /** What `incrontab -t` prints, in its order. */
    public static final String TYPES = "IN_ACCESS,IN_MODIFY,IN_ATTRIB,IN_CLOSE_WRITE,IN_CLOSE_NOWRITE,IN_OPEN,"
            + "IN_MOVED_FROM,IN_MOVED_TO,IN_CREATE,IN_DELETE,IN_DELETE_SELF,IN_CLOSE,IN_MOVE,IN_ONESHOT,"
            + "IN_ALL_EVENTS,IN_DONT_FOLLOW,IN_ONLYDIR,IN_MOVE_SELF";

    private static final String[] NAMES = {
        "IN_ACCESS", "IN_MODIFY", "IN_ATTRIB", "IN_CLOSE_WRITE", "IN_CLOSE_NOWRITE", "IN_OPEN", "IN_MOVED_FROM",
        "IN_MOVED_TO", "IN_CREATE", "IN_DELETE", "IN_DELETE_SELF", "IN_MOVE_SELF", "IN_UNMOUNT", "IN_Q_OVERFLOW",
        "IN_IGNORED", "IN_ONLYDIR", "IN_DONT_FOLLOW", "IN_ISDIR", "IN_ONESHOT", "IN_CLOSE", "IN_MOVE",
        "IN_ALL_EVENTS",
    };
    private static final int[] VALUES = {
        IN_ACCESS, IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE, IN_CLOSE_NOWRITE, IN_OPEN, IN_MOVED_FROM,
        IN_MOVED_TO, IN_CREATE, IN_DELETE, IN_DELETE_SELF, IN_MOVE_SELF, IN_UNMOUNT, IN_Q_OVERFLOW,
        IN_IGNORED, IN_ONLYDIR, IN_DONT_FOLLOW, IN_ISDIR, IN_ONESHOT, IN_CLOSE, IN_MOVE, IN_ALL_EVENTS,
    };

    private IncronMask() {
    }

    /** The value of one event name, exactly as incron spells it, or 0 if it has none. */
    public static int valueOf(String name) {
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equals(name)) {
                return VALUES[i];
            }
        }
        return 0;
    }

    /** A mask field read: its bits, its options, and the items incron would silently ignore. */
    public static final class Parsed {
        public final int bits;
        public final boolean numeric;
        /** IN_NO_LOOP given (and no loopable=true after it): the entry ignores what its own runs cause. */
        public final boolean noLoop;
        public final boolean recursive;
        public final boolean dotdirs;
        /** Items that are neither names nor options (contribute nothing), or numeric trailing text. */
        public final List<String> unknown;

        Parsed(int bits, boolean numeric, boolean noLoop, boolean recursive, boolean dotdirs, List<String> unknown) {
            this.bits = bits;
            this.numeric = numeric;
            this.noLoop = noLoop;
            this.recursive = recursive;
            this.dotdirs = dotdirs;
            this.unknown = unknown;
        }
    }

    /**
     * Reads a mask field as incron 0.5.12 does: a leading decimal number (anything after it
     * ignored, options too), else comma-separated exact names and the options IN_NO_LOOP,
     * loopable=true, recursive=false, dotdirs=true.
     */
    public static Parsed parse(String field) {
        int i = 0;
        while (i < field.length() && (field.charAt(i) == ' ' || field.charAt(i) == '\t')) {
            i++;
        }
        int j = i;
        if (j < field.length() && (field.charAt(j) == '+' || field.charAt(j) == '-')) {
            j++;
        }
        if (j < field.length() && Character.isDigit(field.charAt(j))) {
            return parseNumber(field, i, j);
        }
        int bits = 0;
        boolean noLoop = false; // incron's default flag is on but does nothing; runs overlap there
        boolean recursive = true;
        boolean dotdirs = false;
        List<String> unknown = new ArrayList<>();
        for (String item : field.split(",", -1)) {
            switch (item) {
                case "IN_NO_LOOP":
                    noLoop = true;
                    break;
                case "loopable=true":
                    noLoop = false;
                    break;
                case "recursive=false":
                    recursive = false;
                    break;
                case "dotdirs=true":
                    dotdirs = true;
                    break;
                default:
                    int v = valueOf(item);
                    if (v == 0) {
                        unknown.add(item);
                    }
                    bits |= v;
            }
        }
        return new Parsed(bits, false, noLoop, recursive, dotdirs, unknown);
    }

    /** `%lu` semantics: digits after an optional sign, wrapping; a minus negates modulo 2^32. */
    private static Parsed parseNumber(String field, int start, int digits) {
        long v = 0;
        int k = digits;
        while (k < field.length() && Character.isDigit(field.charAt(k))) {
            v = v * 10 + (field.charAt(k) - '0');
            if (v > 0xffffffffL) {
                v = 0xffffffffL; // strtoul saturates
            }
            k++;
        }
        if (field.charAt(start) == '-') {
            v = -v;
        }
        List<String> rest = k < field.length() ? List.of(field.substring(k)) : List.of();
        return new Parsed((int) v, true, false, true, false, rest);
    }

    /** Bits as incron's `$%` (and incrontab's serializer) writes them. */
    public static String format(int mask) {
        StringBuilder s = new StringBuilder();
        if ((mask & IN_ALL_EVENTS) == IN_ALL_EVENTS) {
            add(s, "IN_ALL_EVENTS");
        } else {
            addIf(s, mask, IN_ACCESS, "IN_ACCESS");
            addIf(s, mask, IN_MODIFY, "IN_MODIFY");
            addIf(s, mask, IN_ATTRIB, "IN_ATTRIB");
            addIf(s, mask, IN_CREATE, "IN_CREATE");
            addIf(s, mask, IN_DELETE, "IN_DELETE");
            addIf(s, mask, IN_DELETE_SELF, "IN_DELETE_SELF");
            addIf(s, mask, IN_OPEN, "IN_OPEN");
            if ((mask & IN_CLOSE) == IN_CLOSE) {
                add(s, "IN_CLOSE");
            }
            if ((mask & IN_MOVE_SELF) != 0) {
                add(s, "IN_MOVE_SELF");
            } else {
                addIf(s, mask, IN_CLOSE_WRITE, "IN_CLOSE_WRITE");
                addIf(s, mask, IN_CLOSE_NOWRITE, "IN_CLOSE_NOWRITE");
            }
            if ((mask & IN_MOVE) == IN_MOVE) {
                add(s, "IN_MOVE");
            } else {
                addIf(s, mask, IN_MOVED_FROM, "IN_MOVED_FROM");
                addIf(s, mask, IN_MOVED_TO, "IN_MOVED_TO");
            }
        }
        addIf(s, mask, IN_UNMOUNT, "IN_UNMOUNT");
        addIf(s, mask, IN_Q_OVERFLOW, "IN_Q_OVERFLOW");
        addIf(s, mask, IN_IGNORED, "IN_IGNORED");
        addIf(s, mask, IN_ISDIR, "IN_ISDIR");
        addIf(s, mask, IN_ONESHOT, "IN_ONESHOT");
        addIf(s, mask, IN_DONT_FOLLOW, "IN_DONT_FOLLOW");
        addIf(s, mask, IN_ONLYDIR, "IN_ONLYDIR");
        return s.toString();
    }

    private static void addIf(StringBuilder s, int mask, int bit, String name) {
        if ((mask & bit) != 0) {
            add(s, name);
        }
    }

    private static void add(StringBuilder s, String name) {
        if (s.length() > 0) {
            s.append(',');
        }
        s.append(name);
    }
}
