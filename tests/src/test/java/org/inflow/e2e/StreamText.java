package org.inflow.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** A child's text stream (stderr) kept in a buffer that tests wait on. */
public final class StreamText {
    private StreamText() {
    }

    /**
     * Appends all that `in` gives to `into` until it ends, waking whoever waits on `into` after
     * each read and once at the end, so a waiter can also notice that nothing more will come.
     */
    public static void collect(InputStream in, StringBuffer into) {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                into.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                synchronized (into) {
                    into.notifyAll();
                }
            }
        } catch (IOException ended) {
            // the process ended
        }
        synchronized (into) {
            into.notifyAll();
        }
    }
}
