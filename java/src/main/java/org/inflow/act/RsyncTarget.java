package org.inflow.act;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

import org.inflow.rules.ActionSpec;
import org.inflow.rules.Rule;

/**
 * One rsync destination of a mirrored tree and what it still lacks: the changed paths not yet
 * sent (relative to the transfer root, as rsync's file list names them), or "everything" after
 * start, a reload or an overflow. Touched only under the {@link RsyncMirror}'s lock.
 */
final class RsyncTarget {
    /** Past this many pending paths the list is dropped and the next run is a full one. */
    static final int MAX_PENDING = 100_000;

    final byte[] source;
    final byte[] target;
    Rule rule;
    ActionSpec.RsyncBatch action;
    /** False until the daemon has its watches in place and asks for the first full sync. */
    boolean released;
    boolean retired;
    boolean needFull = true;
    /** Paths as ISO-8859-1 strings: one char per byte, so any name survives unchanged. */
    LinkedHashSet<String> pending = new LinkedHashSet<>();
    ChildHandle running;
    boolean runningFull;
    LinkedHashSet<String> sending;
    long lastStartNanos;
    boolean started;
    long retryAtNanos;
    int failures;
    long runs;
    ScheduledFuture<?> wakeup;
    long wakeupAtNanos;

    RsyncTarget(byte[] source, byte[] target) {
        this.source = source;
        this.target = target;
    }

    static String key(byte[] source, byte[] target) {
        return new String(source, StandardCharsets.ISO_8859_1) + '\0' + new String(target, StandardCharsets.ISO_8859_1);
    }

    /** The rule's root and the list's prefix, kept: they are needed for every changed path. */
    private byte[] root;
    private String prefix;

    void bind(Rule r) {
        rule = r;
        action = (ActionSpec.RsyncBatch) r.action();
        root = r.root();
        prefix = listPrefix();
    }

    /** Adds a changed path (the full path the engine reported) if it lies below the root. */
    void addChanged(byte[] path) {
        if (needFull) {
            return; // the full run to come covers it
        }
        int n = root.length;
        boolean slashRoot = n == 1 && root[0] == '/';
        int relStart = slashRoot ? 1 : n + 1;
        if (path.length <= relStart || !Arrays.equals(path, 0, n, root, 0, n) || !slashRoot && path[n] != '/') {
            return; // the root itself: only a full run would say anything about it
        }
        String rel = new String(path, relStart, path.length - relStart, StandardCharsets.ISO_8859_1);
        pending.add(prefix + rel);
        if (pending.size() > MAX_PENDING) {
            wantFull();
        }
    }

    void wantFull() {
        needFull = true;
        pending = new LinkedHashSet<>();
    }

    /** A failed run's paths go back in front of what came meanwhile. */
    void restore(boolean full, LinkedHashSet<String> sent) {
        if (full) {
            wantFull();
            return;
        }
        if (needFull) {
            return;
        }
        LinkedHashSet<String> merged = new LinkedHashSet<>(sent);
        merged.addAll(pending);
        pending = merged;
        if (pending.size() > MAX_PENDING) {
            wantFull();
        }
    }

    boolean hasWork() {
        return needFull || !pending.isEmpty();
    }

    /**
     * Without a trailing slash rsync copies the directory itself, so names in the transfer start
     * with its last component; with one, they start inside it.
     */
    private boolean copiesContents() {
        return source.length > 0 && source[source.length - 1] == '/';
    }

    String listPrefix() {
        if (copiesContents()) {
            return "";
        }
        byte[] root = rule.root();
        int slash = lastSlash(root);
        return new String(root, slash + 1, root.length - slash - 1, StandardCharsets.ISO_8859_1) + "/";
    }

    /** The directory the file list is relative to: the source, or the directory holding it. */
    byte[] listBase() {
        if (copiesContents()) {
            return source;
        }
        byte[] root = rule.root();
        int slash = lastSlash(root);
        if (slash < 0) {
            return "./".getBytes(StandardCharsets.ISO_8859_1);
        }
        return Arrays.copyOf(root, slash + 1);
    }

    /** rsync OPTIONS SOURCE TARGET: the whole tree. */
    List<byte[]> fullArgv() {
        List<byte[]> argv = new ArrayList<>();
        argv.add(bytes(action.program()));
        for (String o : action.options()) {
            argv.add(bytes(o));
        }
        argv.add(source.clone());
        argv.add(target.clone());
        return argv;
    }

    /**
     * rsync OPTIONS --from0 --files-from=- --delete-missing-args BASE TARGET, the changed paths on
     * stdin: a listed directory is sent whole (-r), a listed path that is gone is deleted on the
     * target (so deletes and both halves of a rename propagate), and the parents come implied.
     */
    List<byte[]> incrementalArgv() {
        List<byte[]> argv = new ArrayList<>();
        argv.add(bytes(action.program()));
        boolean delete = false;
        for (String o : action.options()) {
            argv.add(bytes(o));
            delete |= o.startsWith("--delete");
        }
        argv.add(bytes("--from0"));
        argv.add(bytes("--files-from=-"));
        argv.add(bytes(delete ? "--delete-missing-args" : "--ignore-missing-args"));
        argv.add(listBase());
        argv.add(target.clone());
        return argv;
    }

    String show() {
        return new String(target, StandardCharsets.UTF_8);
    }

    private static int lastSlash(byte[] b) {
        for (int i = b.length - 1; i >= 0; i--) {
            if (b[i] == '/') {
                return i;
            }
        }
        return -1;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
