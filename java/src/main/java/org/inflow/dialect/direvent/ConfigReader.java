package org.inflow.dialect.direvent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads a direvent 5.2 configuration: lexes (with #include), parses, and gives each statement its
 * meaning. A bad statement is reported in direvent's words at its place and ignored; a watcher
 * left without a path or a command is dropped; the rest of the file still counts.
 * <p>
 * Deliberately unlike 5.2: an empty list `()` is an error instead of a crash, and `option X;`
 * without parentheses is taken as `option (X);` (as the manual says) with a warning, where 5.2
 * printed "expected string, but found void" and ignored it.
 */
public final class ConfigReader {
    private static final Set<String> FACILITIES = Set.of("user", "daemon", "auth", "authpriv", "mail", "cron",
            "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7");

    private final List<Path> includeDirs;
    private Diagnostics diag;
    private DirEventConfig config;
    private final Map<String, List<WatcherSpec.PathSpec>> byPath = new HashMap<>();

    public ConfigReader(List<Path> includeDirs) {
        this.includeDirs = includeDirs;
    }

    public DirEventConfig read(Path file) {
        diag = new Diagnostics();
        return interpret(new ConfigLexer(includeDirs, diag).read(file));
    }

    /** Configuration text given directly, named `name` in messages (tests). */
    public DirEventConfig read(String name, String text) {
        diag = new Diagnostics();
        return interpret(new ConfigLexer(includeDirs, diag).read(name, text.getBytes(StandardCharsets.UTF_8)));
    }

    private DirEventConfig interpret(List<Token> tokens) {
        config = new DirEventConfig(diag);
        byPath.clear();
        List<Statement> top = new ConfigParser(tokens, diag).parse();
        if (diag.fatal()) {
            return config;
        }
        for (Statement s : top) {
            topLevel(s);
        }
        return config;
    }

    private void topLevel(Statement s) {
        switch (s.keyword) {
            case "user":
                setString(s, v -> config.user = v);
                break;
            case "foreground":
                setBool(s, v -> config.foreground = v);
                break;
            case "pidfile":
                setString(s, v -> config.pidfile = v);
                break;
            case "debug":
                if (simple(s)) {
                    String v = string(s);
                    Long n = v == null ? null : number(s.value, true);
                    if (n != null) {
                        config.debug = (int) Math.min(Integer.MAX_VALUE, n);
                    }
                }
                break;
            case "syslog":
                if (blockOnly(s)) {
                    for (Statement x : s.block) {
                        syslog(x);
                    }
                }
                break;
            case "watcher":
                if (blockOnly(s)) {
                    watcher(s);
                }
                break;
            default:
                diag.error(s.keywordLocus, "unknown keyword");
        }
    }

    private void syslog(Statement s) {
        switch (s.keyword) {
            case "facility": {
                if (!simple(s)) {
                    return;
                }
                String v = string(s);
                if (v == null) {
                    return;
                }
                if (!FACILITIES.contains(v)) {
                    diag.error(s.value.locus, "unknown syslog facility `" + v + "'");
                    return;
                }
                config.facility = v;
                break;
            }
            case "tag":
                setString(s, v -> config.tag = v);
                break;
            case "print-priority":
                setBool(s, v -> config.printPriority = v);
                break;
            default:
                diag.error(s.keywordLocus, "unknown keyword");
        }
    }

    /** A simple statement's string, given to `to` unless the statement is bad (reported). */
    private void setString(Statement s, Consumer<String> to) {
        if (simple(s)) {
            String v = string(s);
            if (v != null) {
                to.accept(v);
            }
        }
    }

    /** A simple statement's boolean, given to `to` unless the statement is bad (reported). */
    private void setBool(Statement s, Consumer<Boolean> to) {
        if (simple(s)) {
            Boolean b = bool(s);
            if (b != null) {
                to.accept(b);
            }
        }
    }

    private void watcher(Statement block) {
        WatcherSpec w = new WatcherSpec(block.locus);
        for (Statement s : block.block) {
            if (!isWatcherKeyword(s.keyword)) {
                diag.error(s.keywordLocus, "unknown keyword");
                continue;
            }
            if (!simple(s)) {
                continue;
            }
            switch (s.keyword) {
                case "path": path(w, s); break;
                case "event": event(w, s); break;
                case "file": file(w, s); break;
                case "command": command(w, s); break;
                case "user": user(w, s); break;
                case "timeout": {
                    String v = string(s);
                    Long n = v == null ? null : number(s.value, false);
                    if (n != null) {
                        w.timeoutSeconds = n;
                    }
                    break;
                }
                case "option": option(w, s); break;
                default: environ(w, s); break;
            }
        }
        if (w.paths.isEmpty()) {
            diag.error(block.locus, "no paths configured");
            return;
        }
        if (w.command == null) {
            diag.error(block.locus, "no command configured");
            return;
        }
        for (WatcherSpec.PathSpec p : w.paths) {
            List<WatcherSpec.PathSpec> same = byPath.computeIfAbsent(p.path, k -> new java.util.ArrayList<>());
            if (!same.isEmpty() && same.get(0).depth != p.depth) {
                diag.error(block.locus, Diagnostics.text(p.path) + ": recursion depth does not match previous definition");
                // as in 5.2, the later depth wins for every watcher of the path
                for (WatcherSpec.PathSpec q : same) {
                    q.depth = p.depth;
                }
            }
            same.add(p);
        }
        config.watchers.add(w);
    }

    private static boolean isWatcherKeyword(String k) {
        return Set.of("path", "event", "file", "command", "user", "timeout", "option", "environ").contains(k);
    }

    private void path(WatcherSpec w, Statement s) {
        Value v = scalar(s);
        if (v == null) {
            return;
        }
        if (v.type == Value.Type.STRING) {
            w.paths.add(new WatcherSpec.PathSpec(v.text, 0, v.locus));
            return;
        }
        List<Value> a = v.items;
        for (Value x : a) {
            if (!string(x)) {
                return;
            }
        }
        if (!a.get(1).text.equals("recursive")) {
            diag.error(a.get(1).locus, "expected \"recursive\" or end of statement");
            return;
        }
        int depth = -1;
        if (a.size() > 3) {
            diag.error(a.get(3).locus, "surplus argument");
            return;
        }
        if (a.size() == 3) {
            Long n = number(a.get(2), true);
            if (n == null) {
                return;
            }
            depth = (int) Math.max(-1, Math.min(Integer.MAX_VALUE, n));
        }
        w.paths.add(new WatcherSpec.PathSpec(a.get(0).text, depth, a.get(0).locus));
    }

    private void event(WatcherSpec w, Statement s) {
        List<Value> items = items(s);
        if (items == null) {
            return;
        }
        for (Value x : items) {
            if (!string(x)) {
                return;
            }
            int g = Events.generic(x.text);
            if (g != 0) {
                w.genericMask |= g;
                w.anyEvent = true;
                continue;
            }
            int b = Events.system(x.text);
            if (b == 0) {
                diag.error(x.locus, "unrecognized event code");
                return;
            }
            w.systemMask |= b;
            w.anyEvent = true;
        }
    }

    private void file(WatcherSpec w, Statement s) {
        List<Value> items = items(s);
        if (items == null) {
            return;
        }
        for (Value x : items) {
            if (!string(x)) {
                return;
            }
            String p = x.text;
            boolean neg = p.startsWith("!");
            if (neg) {
                p = p.substring(1);
            }
            if (p.startsWith("/")) {
                int end = p.indexOf('/', 1);
                if (end < 0) {
                    diag.error(x.locus, "unterminated regexp");
                    return;
                }
                boolean basic = false;
                boolean icase = false;
                for (char f : p.substring(end + 1).toCharArray()) {
                    if (f == 'b') {
                        basic = true;
                    } else if (f == 'i') {
                        icase = true;
                    } else {
                        diag.error(x.locus, "unrecognized flag: " + f);
                        return;
                    }
                }
                String re = p.substring(1, end);
                try {
                    // compiled now so a bad expression is reported here, not at the first event
                    if (basic) {
                        org.inflow.rules.PathFilter.basicRegex(Diagnostics.text(re), icase);
                    } else {
                        org.inflow.rules.PathFilter.extendedRegex(Diagnostics.text(re), icase);
                    }
                } catch (RuntimeException bad) {
                    diag.error(x.locus, "cannot compile regex: " + bad.getMessage());
                    return;
                }
                w.patterns.add(new WatcherSpec.Pattern(re, neg, basic ? WatcherSpec.Pattern.Kind.BRE : WatcherSpec.Pattern.Kind.ERE, icase));
            } else {
                boolean glob = p.indexOf('[') >= 0 || p.indexOf(']') >= 0 || p.indexOf('*') >= 0 || p.indexOf('?') >= 0;
                w.patterns.add(new WatcherSpec.Pattern(p, neg, glob ? WatcherSpec.Pattern.Kind.GLOB : WatcherSpec.Pattern.Kind.EXACT, false));
            }
        }
    }

    private void command(WatcherSpec w, Statement s) {
        Value v = scalar(s);
        if (v == null) {
            return;
        }
        if (v.type == Value.Type.ARRAY) {
            diag.error(s.keywordLocus, "too many arguments to `command'; missing semicolon?");
            return;
        }
        w.command = v.text;
        w.commandLocus = v.locus;
    }

    private void user(WatcherSpec w, Statement s) {
        Value v = scalar(s);
        if (v == null) {
            return;
        }
        Value name = v.type == Value.Type.STRING ? v : v.items.get(0);
        Value group = v.type == Value.Type.ARRAY ? v.items.get(1) : null;
        if (v.type == Value.Type.ARRAY && v.items.size() > 2) {
            diag.error(v.items.get(2).locus, "surplus argument");
            return;
        }
        if (name.type != Value.Type.STRING || (group != null && group.type != Value.Type.STRING)) {
            diag.error(s.keywordLocus, "unexpected list");
            return;
        }
        if (!exists(Path.of("/etc/passwd"), name.text)) {
            diag.error(name.locus, "no such user");
            return;
        }
        if (group != null && !exists(Path.of("/etc/group"), group.text)) {
            diag.error(group.locus, "no such group");
            return;
        }
        w.user = name.text;
        w.group = group == null ? null : group.text;

    }

    /** Is NAME the first field of a line of this passwd/group-format file (or numeric)? */
    static boolean exists(Path db, String name) {
        try {
            for (String line : Files.readAllLines(db, StandardCharsets.ISO_8859_1)) {
                int c = line.indexOf(':');
                if (c > 0 && line.substring(0, c).equals(name)) {
                    return true;
                }
            }
        } catch (IOException e) {
            return true; // cannot tell here; the run will say
        }
        return false;
    }

    private void option(WatcherSpec w, Statement s) {
        Value v = s.value;
        if (v != null && v.type == Value.Type.STRING) {
            diag.warning(v.locus, "option without parentheses taken as option (" + v.text + ")"
                    + " (direvent 5.2 ignored it)");
        }
        List<Value> items = items(s);
        if (items == null) {
            return;
        }
        for (Value x : items) {
            if (!string(x)) {
                continue;
            }
            switch (x.text) {
                case "wait": w.nowait = false; break;
                case "nowait": w.nowait = true; break;
                case "stdout": w.stdout = true; break;
                case "stderr": w.stderr = true; break;
                case "shell": w.shell = true; break;
                default: diag.error(x.locus, "unrecognized option");
            }
        }
    }

    private void environ(WatcherSpec w, Statement s) {
        List<Value> items = items(s);
        if (items == null) {
            return;
        }
        for (Value x : items) {
            if (!string(x)) {
                return;
            }
            w.environ.add(x.text);
        }
    }

    /** The statement's value unless it has none or is a list, which are reported; then null. */
    private Value scalar(Statement s) {
        Value v = s.value;
        if (v == null) {
            diag.error(s.locus, "expected string, but found void");
            return null;
        }
        if (v.type == Value.Type.LIST) {
            diag.error(s.keywordLocus, "unexpected list");
            return null;
        }
        return v;
    }

    /** The strings of a value that may be one string, several, or a list; null (reported) if none. */
    /** A list item must be a string; a nested list is reported where it stands. */
    private boolean string(Value x) {
        if (x.type != Value.Type.STRING) {
            diag.error(x.locus, "unexpected list");
            return false;
        }
        return true;
    }

    private List<Value> items(Statement s) {
        Value v = s.value;
        if (v == null) {
            diag.error(s.locus, "expected string, but found void");
            return null;
        }
        if (v.type == Value.Type.STRING) {
            return List.of(v);
        }
        if (v.items.isEmpty()) {
            // 5.2 crashes here (SIGSEGV, even under -t)
            diag.error(v.locus, "empty list");
            return null;
        }
        return v.items;
    }

    private boolean simple(Statement s) {
        if (s.block != null) {
            diag.error(s.locus, "unexpected block statement");
            return false;
        }
        return true;
    }

    private boolean blockOnly(Statement s) {
        if (s.block == null) {
            diag.error(s.locus, "unexpected simple statement");
            return false;
        }
        return true;
    }

    private String string(Statement s) {
        Value v = scalar(s);
        if (v == null) {
            return null;
        }
        if (v.type == Value.Type.ARRAY) {
            diag.error(v.items.get(1).locus, "surplus argument");
            return null;
        }
        return v.text;
    }

    private Boolean bool(Statement s) {
        String v = string(s);
        if (v == null) {
            return null;
        }
        switch (v) {
            case "yes": case "true": case "t": case "1":
                return true;
            case "no": case "false": case "nil": case "0":
                return false;
            default:
                diag.error(s.value.locus, Diagnostics.text(v) + ": not a valid boolean value");
                return null;
        }
    }

    private Long number(Value v, boolean signed) {
        String t = v.text;
        int i = 0;
        if (signed && (t.startsWith("-") || t.startsWith("+"))) {
            i = 1;
        }
        int digits = i;
        while (digits < t.length() && Character.isDigit(t.charAt(digits))) {
            digits++;
        }
        if (digits == i || digits != t.length()) {
            String near = digits == i ? t : t.substring(digits);
            diag.error(v.locus, "not a number (stopped near `" + Diagnostics.text(near) + "')");
            return null;
        }
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            diag.error(v.locus, "number out of range");
            return null;
        }
    }
}
