package org.inflow.daemon;

import sun.misc.Signal;

/**
 * Signal handlers for a daemon (SIGHUP reloads, SIGTERM stops, ...). The JDK runs each handler
 * on its own thread, not in signal context, so a handler may do real work, but it should hand
 * long work to the daemon's own thread.
 */
public final class Signals {
    private Signals() {
    }

    /**
     * @param name "HUP", "TERM", "INT", "USR1", ... (SIGQUIT is the JVM's unless run with -Xrs)
     * @param action given the signal number
     * @return false if this signal cannot be handled here
     */
    public static boolean on(String name, java.util.function.IntConsumer action) {
        try {
            Signal.handle(new Signal(name), s -> action.accept(s.getNumber()));
            return true;
        } catch (IllegalArgumentException inUse) {
            return false;
        }
    }

    /** The signal's number on this system (e.g. 1 for HUP). */
    public static int number(String name) {
        return new Signal(name).getNumber();
    }
}
