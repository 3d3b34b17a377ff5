package org.inflow.dialect.inosync;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.inflow.dialect.pyconf.PyConfig;
import org.inflow.dialect.pyconf.PyConfigError;
import org.inflow.dialect.pyconf.PyConfigReader;
import org.inflow.dialect.pyconf.PyStr;
import org.inflow.dialect.pyconf.Settings;
import org.inflow.rules.ActionSpec;
import org.inflow.rules.Rule;
import org.inflow.rules.RuleReporter;

/**
 * An inosync configuration file, checked, and the rule it compiles to: watch wpath recursively
 * for the emask events (nothing under rexcludes), and mirror it to every rnode with rsync.
 */
public final class InosyncConfig {
    public static final String DEFAULT_FILE = "/etc/inosync/default.py";
    static final Set<String> KNOWN = Set.of("wpath", "rpath", "rnodes", "rexcludes", "rspeed", "emask", "edelay",
            "rsync", "logfile");
    private static final List<PyStr> DEFAULT_EMASK = List.of(PyStr.of("IN_CLOSE_WRITE"), PyStr.of("IN_CREATE"),
            PyStr.of("IN_DELETE"), PyStr.of("IN_MOVED_FROM"), PyStr.of("IN_MOVED_TO"));

    private final String file;
    private final byte[] wpath;
    private final List<byte[]> rnodes;
    private final List<String> rexcludes;
    private final long rspeed;
    private final int emask;
    private final double edelay;
    private final String rsync;
    private final String logfile;
    private final List<String> warnings;

    private InosyncConfig(String file, byte[] wpath, List<byte[]> rnodes, List<String> rexcludes, long rspeed,
                          int emask, double edelay, String rsync, String logfile, List<String> warnings) {
        this.file = file;
        this.wpath = wpath;
        this.rnodes = rnodes;
        this.rexcludes = rexcludes;
        this.rspeed = rspeed;
        this.emask = emask;
        this.edelay = edelay;
        this.rsync = rsync;
        this.logfile = logfile;
        this.warnings = warnings;
    }

    public static InosyncConfig load(Path path) throws IOException, PyConfigError {
        return of(PyConfigReader.read(path));
    }

    public static InosyncConfig of(PyConfig config) throws PyConfigError {
        Settings s = new Settings(config);
        byte[] wpath = s.directory("wpath");
        s.string("rpath", null); // only there to build rnodes, but it must be a string
        List<PyStr> nodes = s.someStrings("rnodes", "rsync destination");
        List<byte[]> rnodes = new ArrayList<>();
        for (PyStr n : nodes) {
            if (n.length() == 0) {
                throw s.error("rnodes", "rnodes holds an empty destination");
            }
            rnodes.add(n.bytes());
        }
        List<String> excludes = new ArrayList<>();
        for (PyStr x : s.strings("rexcludes", List.of())) {
            if (x.length() == 0) {
                throw s.error("rexcludes", "rexcludes holds an empty pattern");
            }
            excludes.add(x.text());
        }
        double speed = s.number("rspeed", 0, 0);
        if (speed != Math.rint(speed)) {
            throw s.error("rspeed", "rspeed must be a whole number of KB/s, not " + config.get("rspeed"));
        }
        int mask = s.eventMask("emask", s.strings("emask", DEFAULT_EMASK));
        if (mask == 0) {
            throw s.error("emask", "emask names no event: nothing would ever be synced");
        }
        double edelay = s.number("edelay", 10, 0);
        String rsync = s.string("rsync", PyStr.of("/usr/bin/rsync")).text();
        s.checkProgram("rsync", "rsync", rsync);
        PyStr log = s.string("logfile", null);
        return new InosyncConfig(config.file(), wpath, rnodes, excludes, (long) speed, mask, edelay, rsync,
                log == null || log.length() == 0 ? null : log.text(), s.unknownNames(KNOWN));
    }

    public String file() {
        return file;
    }

    /** The watched directory as written (made absolute), trailing slash kept: rsync's source argument. */
    public byte[] wpath() {
        return wpath.clone();
    }

    public List<byte[]> rnodes() {
        return rnodes;
    }

    public double edelay() {
        return edelay;
    }

    public String rsync() {
        return rsync;
    }

    /** Problems that cost nothing (unknown names), as "FILE:LINE: message". */
    public List<String> warnings() {
        return warnings;
    }

    /** What inosync passes to every rsync: -ltrp --delete [--bwlimit=N] [--log-file=F] [--exclude=P ...]. */
    public List<String> rsyncOptions() {
        List<String> o = new ArrayList<>();
        o.add("-ltrp");
        o.add("--delete");
        if (rspeed > 0) {
            o.add("--bwlimit=" + rspeed);
        }
        if (logfile != null) {
            o.add("--log-file=" + logfile);
        }
        for (String x : rexcludes) {
            o.add("--exclude=" + x);
        }
        return o;
    }

    public Rule rule(RuleReporter reporter) {
        boolean copiesContents = wpath[wpath.length - 1] == '/';
        Rule.Builder b = Rule.builder(wpath)
                .origin(file)
                .recursive()
                .mask(emask)
                .action(ActionSpec.rsync(rsync, rsyncOptions(), wpath, rnodes))
                // a burst becomes one sync once the tree has been quiet for edelay; a tree that
                // never goes quiet is still synced every minute (or 6 edelays, if longer)
                .settle(seconds(edelay))
                .maxDelay(seconds(Math.max(60, 6 * edelay)))
                .reporter(reporter);
        if (!rexcludes.isEmpty()) {
            int n = wpath.length;
            while (n > 1 && wpath[n - 1] == '/') {
                n--;
            }
            byte[] root = java.util.Arrays.copyOf(wpath, n);
            RsyncExcludes x = RsyncExcludes.of(rexcludes, root, copiesContents);
            if (x.events != null) {
                b.exclude(x.events);
            }
            if (x.watches != null) {
                b.watchExclude(x.watches);
            }
        }
        return b.build();
    }

    private static Duration seconds(double s) {
        return Duration.ofNanos((long) (s * 1e9));
    }
}
