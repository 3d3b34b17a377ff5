package org.inflow.cli.incron;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.inflow.daemon.RuleHost;
import org.inflow.dialect.incron.IncronEntry;
import org.inflow.dialect.incron.IncronMask;
import org.inflow.dialect.incron.IncronProblem;
import org.inflow.dialect.incron.IncronRules;
import org.inflow.dialect.incron.IncronTable;
import org.inflow.rules.LogSink;
import org.inflow.rules.Rule;
import org.inflow.rules.InotifyMask;

/**
 * The daemon's tables: system tables (run as root) and user tables (run as their owner, if
 * incron.allow / incron.deny let them), each installed on the one RuleHost as its own source.
 * Loading logs incron's messages; every problem of a line is logged as FILE:LINE. A reload that
 * cannot read the table, or finds nothing valid in a table that had entries, keeps the
 * previous entries running.
 */
final class IncronTableSet {
    /** Which of the two directories a table lives in. */
    enum Kind { SYSTEM, USER }

    private final RuleHost host;
    private final LogSink log;
    private final Path systemDir;
    private final Path userDir;
    private final IncronAccess access;
    /** Where relative table paths point and commands run: the daemon's directory. */
    private final Path base;
    private final byte[] cwd;
    private final int daemonUid;
    /** Source name -> the table text now installed. */
    private final Map<String, byte[]> loaded = new HashMap<>();

    IncronTableSet(RuleHost host, LogSink log, Path systemDir, Path userDir, IncronAccess access, Path base,
                   byte[] cwd) {
        this.host = host;
        this.log = log;
        this.systemDir = systemDir;
        this.userDir = userDir;
        this.access = access;
        this.base = base;
        this.cwd = cwd;
        this.daemonUid = IncronUsers.currentUid();
    }

    Path dir(Kind kind) {
        return kind == Kind.SYSTEM ? systemDir : userDir;
    }

    /** Editor backups, package manager leftovers, swap files and dot files are not tables. */
    static boolean skipped(String name) {
        return name.startsWith(".") || name.endsWith("~") || name.contains(".dpkg-") || name.endsWith(".swp")
                || name.endsWith(".swx") || name.endsWith(".ucf-dist") || name.endsWith(".ucf-old");
    }

    synchronized void loadAll() {
        log.log(LogSink.NOTICE, "loading system tables");
        for (String name : list(systemDir, "system")) {
            if (skipped(name)) {
                log.log(LogSink.INFO, "ignoring system table " + name + " (dot file, backup or package file)");
                continue;
            }
            log.log(LogSink.INFO, "loading table " + name);
            load(Kind.SYSTEM, name, false);
        }
        log.log(LogSink.NOTICE, "loading user tables");
        for (String name : list(userDir, "user")) {
            if (skipped(name)) {
                continue;
            }
            log.log(LogSink.INFO, "loading table for user " + name);
            load(Kind.USER, name, false);
        }
    }

    /** SIGHUP: every table read again; tables gone since are removed, new ones loaded. */
    synchronized void reloadAll() {
        log.log(LogSink.NOTICE, "reloading all tables");
        TreeSet<String> names = new TreeSet<>(loaded.keySet());
        for (String name : list(systemDir, "system")) {
            names.add(source(Kind.SYSTEM, name));
        }
        for (String name : list(userDir, "user")) {
            names.add(source(Kind.USER, name));
        }
        for (String src : names) {
            Kind kind = src.startsWith("system::") ? Kind.SYSTEM : Kind.USER;
            changed(kind, src.substring(src.indexOf("::") + 2));
        }
    }

    /** A name in a table directory changed (written, moved, deleted): bring that table up to date. */
    synchronized void changed(Kind kind, String name) {
        if (skipped(name)) {
            if (kind == Kind.SYSTEM) {
                log.log(LogSink.INFO, "ignoring system table " + name + " (dot file, backup or package file)");
            }
            return;
        }
        String src = source(kind, name);
        String what = kind == Kind.SYSTEM ? "system table " + name : "table for user " + name;
        boolean known = loaded.containsKey(src);
        Path f = dir(kind).resolve(name);
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) && !(known && Files.isRegularFile(f))) {
            if (known) {
                log.log(LogSink.INFO, what + " destroyed, removing");
                host.uninstall(src);
                loaded.remove(src);
            }
            return;
        }
        log.log(LogSink.INFO, what + (known ? " changed, reloading" : " created, loading"));
        load(kind, name, known);
    }

    synchronized int tables() {
        return loaded.size();
    }

    synchronized int entries() {
        int n = 0;
        for (String src : loaded.keySet()) {
            n += host.rules(src).size();
        }
        return n;
    }

    private static String source(Kind kind, String name) {
        return (kind == Kind.SYSTEM ? "system::" : "user::") + name;
    }

    private List<String> list(Path dir, String what) {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .forEach(p -> out.add(p.getFileName().toString()));
        } catch (IOException e) {
            log.log(LogSink.WARNING, "cannot read " + what + " table directory " + dir + ": " + e.getMessage());
        }
        out.sort(null);
        return out;
    }

    private void load(Kind kind, String name, boolean reload) {
        String src = source(kind, name);
        Path file = dir(kind).resolve(name);
        IncronRules.Owner owner;
        String tag;
        String table;
        if (kind == Kind.SYSTEM) {
            owner = IncronRules.Owner.system();
            tag = "system::" + name;
            table = "system table " + name;
        } else {
            var user = IncronUsers.byName(name);
            if (user.isEmpty() || !access.allowed(name)) {
                log.log(LogSink.WARNING, "table for invalid user " + name + " found (ignored)");
                if (loaded.remove(src) != null) {
                    host.uninstall(src);
                }
                return;
            }
            IncronUsers.User u = user.get();
            owner = IncronRules.Owner.user(name, u.uid == 0, u.home, u.shell, u.uid != daemonUid);
            tag = name;
            table = "user " + name;
        }
        byte[] text;
        try {
            text = Files.readAllBytes(file);
        } catch (IOException e) {
            log.log(LogSink.ERR, "cannot read " + table + " (" + file + "): " + e.getMessage()
                    + (reload ? "; its previous entries keep running" : ""));
            return;
        }
        IncronTable t = IncronTable.parse(file.toString(), text);
        for (IncronProblem p : t.problems()) {
            log.log(p.severity() == IncronProblem.Severity.ERROR ? LogSink.ERR : LogSink.WARNING, p.toString());
        }
        IncronRunReporter reporter = new IncronRunReporter(log, tag, table);
        List<Rule> rules = new ArrayList<>();
        IncronUsers.User tableUser = kind == Kind.USER ? IncronUsers.byName(name).orElse(null) : null;
        for (IncronEntry e : t.entries()) {
            String origin = file + ":" + e.line();
            byte[] root = absolute(e.path());
            if (tableUser != null && tableUser.uid != 0 && daemonUid == 0 && !readableBy(tableUser, root)) {
                // incron watched anyway and dropped the events; a watch made with root's rights
                // would tell the user names he may not list, so the line is not used at all
                log.log(LogSink.WARNING, origin + ": access denied on " + new String(root, StandardCharsets.UTF_8)
                        + " for user " + name + ": line ignored");
                continue;
            }
            if ((e.mask().bits & InotifyMask.IN_ONLYDIR) != 0) {
                Path p = Path.of(new String(root, StandardCharsets.UTF_8));
                if (Files.exists(p) && !Files.isDirectory(p)) {
                    log.log(LogSink.ERR, origin + ": " + p + " is not a directory (IN_ONLYDIR): line ignored");
                    continue;
                }
            }
            try {
                rules.add(IncronRules.compile(e, root, origin, owner, cwd, reporter));
            } catch (RuntimeException bad) {
                log.log(LogSink.ERR, origin + ": " + bad.getMessage() + ": line ignored");
            }
        }
        if (reload && rules.isEmpty() && !t.problems().isEmpty() && !host.rules(src).isEmpty()) {
            log.log(LogSink.ERR, table + ": no valid entry in the new version; its previous entries keep running");
            return;
        }
        host.install(src, rules);
        try {
            // incron says "active" once its watches are set: so do we (at start the engine is not
            // running yet and the daemon waits for every table before "ready")
            host.awaitSettled(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loaded.put(src, text);
        log.log(LogSink.INFO, table + ": " + rules.size() + " entr" + (rules.size() == 1 ? "y" : "ies") + " active");
    }

    /** Whether the user may read (and, for a directory, search) the path: asked as that user. */
    private static boolean readableBy(IncronUsers.User u, byte[] path) {
        String p = new String(path, StandardCharsets.UTF_8);
        if (!Files.exists(Path.of(p))) {
            return true; // not there yet: it is watched for; the kernel decides once it exists
        }
        try {
            Process check = new ProcessBuilder("setpriv", "--reuid=" + u.uid, "--regid=" + u.gid, "--init-groups",
                    "--", "/bin/sh", "-c", "test -r \"$1\" && { test ! -d \"$1\" || test -x \"$1\"; }", "sh", p)
                    .redirectErrorStream(true).start();
            check.getOutputStream().close();
            check.getInputStream().readAllBytes();
            return check.waitFor() == 0;
        } catch (IOException e) {
            return true; // no setpriv: as incron, the watch is made
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private byte[] absolute(byte[] path) {
        if (path.length > 0 && path[0] == '/') {
            return path;
        }
        byte[] b = base.toString().getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(b, b.length + 1 + path.length);
        out[b.length] = '/';
        System.arraycopy(path, 0, out, b.length + 1, path.length);
        return out;
    }
}
