package org.inflow.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Process-wide calls a daemon needs and the JDK lacks: syslog(3), stdio onto /dev/null once
 * detached, and switching the whole process to another user (glibc applies it to every thread);
 * and one per thread, a short scheduler slice for the threads between an event and its child.
 */
public final class Posix {
    public static final int LOG_PID = 0x01;
    public static final int LOG_CONS = 0x02;
    public static final int LOG_NDELAY = 0x08;

    private Posix() {
    }

    /** Opens syslog with this ident, options (LOG_PID, ...) and facility (already shifted, e.g. 9 << 3 for cron). */
    public static void openlog(String ident, int option, int facility) {
        NativeLoader.load();
        openlog0(ident.getBytes(StandardCharsets.UTF_8), option, facility);
    }

    /** @param priority 0 (emerg) .. 7 (debug) */
    public static void syslog(int priority, String message) {
        syslog0(priority, message.getBytes(StandardCharsets.UTF_8));
    }

    public static void nullStdio() throws IOException {
        NativeLoader.load();
        int err = nullStdio0();
        if (err != 0) {
            throw new IOException("cannot put stdio onto /dev/null (errno " + err + ")");
        }
    }

    /** setgroups, setgid, setuid, then checks the result; the process cannot switch back. */
    public static void switchUser(int uid, int gid, int[] groups) throws IOException {
        NativeLoader.load();
        int err = switchUser0(uid, gid, groups);
        if (err != 0) {
            throw new IOException("cannot switch to uid " + uid + " gid " + gid + " (errno " + err + ")");
        }
    }

    /**
     * Asks the kernel for a short scheduler slice (0.1 ms, Linux 6.12+) for the calling thread.
     * Woken, such a thread preempts a task that is running out a default slice instead of
     * queueing behind it, and on a small machine that task is often the child just started: the
     * event → exec path waited up to a child's whole start-up at each of its hand-offs. Its share
     * of the CPU stays the same. Best effort: false where the kernel has no custom slices or the
     * thread runs under a real-time policy someone chose. Children started from the thread get
     * the default slice back (libinflow's spawner resets them); a Java thread it starts keeps
     * the short one, which costs that thread nothing but more frequent preemption checks.
     */
    public static boolean preferShortSlice() {
        NativeLoader.load();
        return preferShortSlice0() == 0;
    }

    /** r, run on a thread that first asks for a short slice: for the factories of such threads. */
    public static Runnable withShortSlice(Runnable r) {
        return () -> {
            preferShortSlice();
            r.run();
        };
    }

    private static native void openlog0(byte[] ident, int option, int facility);

    private static native void syslog0(int priority, byte[] message);

    private static native int nullStdio0();

    private static native int switchUser0(int uid, int gid, int[] groups);

    private static native int preferShortSlice0();
}
