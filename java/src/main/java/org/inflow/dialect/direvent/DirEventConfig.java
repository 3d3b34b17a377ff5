package org.inflow.dialect.direvent;

import java.util.ArrayList;
import java.util.List;

/** A direvent configuration as read: top-level settings and the watchers that survived reading. */
public final class DirEventConfig {
    String user;
    boolean foreground;
    String pidfile;
    int debug;
    String facility;
    String tag;
    boolean printPriority;
    final List<WatcherSpec> watchers = new ArrayList<>();
    final Diagnostics diagnostics;

    DirEventConfig(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    public Diagnostics diagnostics() {
        return diagnostics;
    }

    public String user() {
        return user;
    }

    public boolean foreground() {
        return foreground;
    }

    public String pidfile() {
        return pidfile;
    }

    public int debug() {
        return debug;
    }

    /** The syslog facility name as configured, or null. */
    public String facility() {
        return facility;
    }

    public String tag() {
        return tag;
    }

    public boolean printPriority() {
        return printPriority;
    }

    public List<WatcherSpec> watchers() {
        return watchers;
    }
}
