package org.inflow.dialect.direvent;

import java.util.Map;

import static org.inflow.rules.InotifyMask.*;

/**
 * direvent's two event vocabularies on Linux: generic events (create, write, attrib, delete, codes
 * 1 2 4 8), each standing for a set of inotify events, and the inotify ("system") events by their
 * upper-case names with the kernel's bit values.
 */
final class Events {
    static final int SYSTEM_BITS = 0x3ff;

    static final int GEN_CREATE = 1;
    static final int GEN_WRITE = 2;
    static final int GEN_ATTRIB = 4;
    static final int GEN_DELETE = 8;
    static final int GEN_ALL = 15;

    private static final String[] GENERIC_NAMES = {"create", "write", "attrib", "delete"};
    private static final int[] GENERIC_SYSTEM = {
        IN_CREATE | IN_MOVED_TO, IN_MODIFY | IN_CLOSE_WRITE, IN_ATTRIB, IN_DELETE | IN_MOVED_FROM};
    private static final String[] SYSTEM_NAMES = {
        "ACCESS", "MODIFY", "ATTRIB", "CLOSE_WRITE", "CLOSE_NOWRITE", "OPEN", "MOVED_FROM", "MOVED_TO", "CREATE", "DELETE"};
    private static final Map<String, Integer> SYSTEM = Map.of(
            "ACCESS", IN_ACCESS, "MODIFY", IN_MODIFY, "ATTRIB", IN_ATTRIB, "CLOSE_WRITE", IN_CLOSE_WRITE,
            "CLOSE_NOWRITE", IN_CLOSE_NOWRITE, "OPEN", IN_OPEN, "MOVED_FROM", IN_MOVED_FROM, "MOVED_TO", IN_MOVED_TO,
            "CREATE", IN_CREATE, "DELETE", IN_DELETE);

    private Events() {
    }

    /** The generic code of a lower-case name, or 0. */
    static int generic(String name) {
        for (int i = 0; i < GENERIC_NAMES.length; i++) {
            if (GENERIC_NAMES[i].equals(name)) {
                return 1 << i;
            }
        }
        return 0;
    }

    /** The inotify bit of an upper-case name, or 0. */
    static int system(String name) {
        Integer b = SYSTEM.get(name);
        return b == null ? 0 : b;
    }

    /** The inotify events a set of generic events stands for. */
    static int systemOf(int generic) {
        int m = 0;
        for (int i = 0; i < GENERIC_SYSTEM.length; i++) {
            if ((generic & (1 << i)) != 0) {
                m |= GENERIC_SYSTEM[i];
            }
        }
        return m;
    }

    /** The generic events whose system sets meet these inotify bits. */
    static int genericOf(int system) {
        int g = 0;
        for (int i = 0; i < GENERIC_SYSTEM.length; i++) {
            if ((system & GENERIC_SYSTEM[i]) != 0) {
                g |= 1 << i;
            }
        }
        return g;
    }

    /** "create", ... for exactly one generic code; null otherwise (direvent leaves the macro undefined). */
    static String genericName(int code) {
        int i = Integer.numberOfTrailingZeros(code);
        return code != 0 && Integer.bitCount(code) == 1 && i < 4 ? GENERIC_NAMES[i] : null;
    }

    /** The names of the bits, space separated; null for none. */
    static String systemNames(int bits) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < SYSTEM_NAMES.length; i++) {
            if ((bits & (1 << i)) != 0) {
                b.append(b.length() == 0 ? "" : " ").append(SYSTEM_NAMES[i]);
            }
        }
        return b.length() == 0 ? null : b.toString();
    }
}
