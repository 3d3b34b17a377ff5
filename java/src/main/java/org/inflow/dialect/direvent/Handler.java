package org.inflow.dialect.direvent;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.inflow.rules.EnvPolicy;
import org.inflow.rules.PathFilter;
import org.inflow.rules.Rule;
import org.inflow.rules.Template;

/** One watcher's handler on one of its paths, with the rule that runs it. */
public final class Handler {
    final WatcherSpec watcher;
    final WatcherSpec.PathSpec path;
    final HandlerEvents events;
    final List<Template> argv;
    final EnvPolicy env;
    private final PathFilter names;
    final boolean fileRoot;
    Rule rule;

    Handler(WatcherSpec watcher, WatcherSpec.PathSpec path, HandlerEvents events, List<Template> argv, EnvPolicy env,
            boolean fileRoot) {
        this.fileRoot = fileRoot;
        this.watcher = watcher;
        this.path = path;
        this.events = events;
        this.argv = argv;
        this.env = env;
        this.names = RuleCompiler.names(watcher);
    }

    public Rule rule() {
        return rule;
    }

    /**
     * Whether the rule was made for a regular file (run in its directory, $file its name): a path
     * that was missing then and is a file now needs its rule made again.
     */
    public boolean madeForFile() {
        return fileRoot;
    }

    /** The path as configured, for messages. */
    public String pathText() {
        return Diagnostics.text(path.path);
    }

    /** The command as configured, for messages. */
    public String commandText() {
        return Diagnostics.text(watcher.command);
    }

    /** The path as bytes. */
    public byte[] pathBytes() {
        return MacroCompiler.bytes(path.path);
    }

    /** Whether the handler runs for the appearance of its (missing) path: create wanted, name passes. */
    public boolean wantsAppearance() {
        if (!events.wantsSyntheticCreate()) {
            return false;
        }
        byte[] name = basename(pathBytes());
        return names == null || names.matches(name);
    }

    /**
     * The child direvent starts when its missing path appears: a synthesized create of the path's
     * own name, run in its parent directory. Returns argv; fills env (NAME=VALUE) and cwd[0].
     */
    public List<byte[]> appearance(Map<String, String> daemonEnv, List<byte[]> envOut, byte[][] cwdOut) {
        byte[] p = trimSlashes(pathBytes());
        byte[] name = basename(p);
        byte[] dir = parent(p);
        List<byte[]> out = new ArrayList<>();
        for (Template t : argv) {
            out.add(render(t, p, dir, name));
        }
        Map<String, byte[]> e = new LinkedHashMap<>();
        if (env.inheritsAll()) {
            daemonEnv.forEach((k, v) -> e.put(k, v.getBytes(StandardCharsets.ISO_8859_1)));
        } else {
            for (String k : env.kept()) {
                String v = daemonEnv.get(k);
                if (v != null) {
                    e.put(k, v.getBytes(StandardCharsets.ISO_8859_1));
                }
            }
        }
        env.removed().forEach(e::remove);
        env.assigned().forEach((k, t) -> e.put(k, render(t, p, dir, name)));
        e.forEach((k, v) -> {
            byte[] kb = k.getBytes(StandardCharsets.UTF_8);
            byte[] kv = new byte[kb.length + 1 + v.length];
            System.arraycopy(kb, 0, kv, 0, kb.length);
            kv[kb.length] = '=';
            System.arraycopy(v, 0, kv, kb.length + 1, v.length);
            envOut.add(kv);
        });
        cwdOut[0] = dir;
        return out;
    }

    private static byte[] render(Template t, byte[] path, byte[] dir, byte[] name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Template.Part part : t.parts()) {
            if (part instanceof Template.Text) {
                out.writeBytes(((Template.Text) part).bytes());
            } else if (part instanceof Template.Field) {
                switch (((Template.Field) part).source()) {
                    case NAME: out.writeBytes(name); break;
                    case DIR: out.writeBytes(dir); break;
                    default: out.writeBytes(path);
                }
            } else {
                out.writeBytes(((Template.Mask) part).render(HandlerEvents.SENTINEL_CREATE).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    private static byte[] trimSlashes(byte[] p) {
        int n = p.length;
        while (n > 1 && p[n - 1] == '/') {
            n--;
        }
        return java.util.Arrays.copyOf(p, n);
    }

    static byte[] basename(byte[] p) {
        p = trimSlashes(p);
        int i = p.length - 1;
        while (i >= 0 && p[i] != '/') {
            i--;
        }
        return java.util.Arrays.copyOfRange(p, i + 1, p.length);
    }

    static byte[] parent(byte[] p) {
        p = trimSlashes(p);
        int i = p.length - 1;
        while (i >= 0 && p[i] != '/') {
            i--;
        }
        if (i < 0) {
            return new byte[] {'.'};
        }
        return i == 0 ? new byte[] {'/'} : java.util.Arrays.copyOf(p, i);
    }
}
