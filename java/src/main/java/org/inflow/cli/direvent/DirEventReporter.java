package org.inflow.cli.direvent;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.inflow.dialect.direvent.Handler;
import org.inflow.rules.LogSink;
import org.inflow.rules.Rule;
import org.inflow.rules.RuleReporter;

/**
 * Tells the log what happens to one handler's path and runs, in direvent 5.2's words: the sentinel
 * notices for a missing path (innermost first, once per wait), "PATH deleted", process exits. The
 * appearance of a missing path is handed to `appeared`, which runs direvent's synthesized create.
 */
final class DirEventReporter implements RuleReporter {
    /**
     * Paths waited for, with the ancestor watched meanwhile, whose sentinel notices were printed
     * (shared by every handler of a path, so each notice is printed once).
     */
    private final Map<String, byte[]> waiting;
    private final Handler handler;
    private final DirEventLog log;
    private final Consumer<Handler> appeared;
    private volatile boolean failed;
    /** This rule saw its path missing: an ARMED now is an appearance, not the replayed state of a shared root. */
    private volatile boolean sawMissing;

    DirEventReporter(Handler handler, DirEventLog log, Map<String, byte[]> waiting, Consumer<Handler> appeared) {
        this.handler = handler;
        this.log = log;
        this.waiting = waiting;
        this.appeared = appeared;
    }

    static Map<String, byte[]> sharedWaiting() {
        return new ConcurrentHashMap<>();
    }

    /** The path could not be watched at all. */
    boolean failed() {
        return failed;
    }

    @Override
    public void root(Rule rule, RootState state, byte[] path, String detail) {
        String p = handler.pathText();
        switch (state) {
            case READY:
                log.debug("creating watcher " + p);
                break;
            case WAITING: {
                sawMissing = true;
                byte[] anchor = trim(path);
                // remembered: the shallowest ancestor noticed so far (each level is told once)
                byte[] before = waiting.get(p);
                if (before == null || anchor.length < before.length) {
                    waiting.put(p, anchor);
                }
                if (before == null) {
                    sentinels(handler.pathBytes(), anchor);
                } else if (anchor.length < before.length) {
                    // an ancestor went too: a sentinel for each level that is missing now
                    sentinels(before, anchor);
                }
                break;
            }
            case ARMED:
                if (!sawMissing) {
                    break; // a reload's new rule told the state of a root armed long ago
                }
                sawMissing = false;
                waiting.remove(p);
                log.debug("creating watcher " + p);
                appeared.accept(handler);
                break;
            case GONE:
                sawMissing = true;
                if (!waiting.containsKey(p)) {
                    log.log(LogSink.NOTICE, p + " deleted");
                }
                break;
            case MISSING:
                failed = true;
                log.log(LogSink.ERR, "cannot set watcher on " + p + ": " + detail);
                break;
            case WARNING:
                log.log(LogSink.WARNING, detail == null ? p : detail);
                break;
            case OVERFLOW:
                // 5.2 dropped these silently; inflow rescans and says so
                log.log(LogSink.WARNING, p + ": event queue overflow, events lost; rescanning");
                break;
            default:
                break;
        }
    }

    /** One notice per missing level, from the path up to (not including) the ancestor now watched. */
    private void sentinels(byte[] target, byte[] anchor) {
        byte[] p = trim(target);
        byte[] a = trim(anchor);
        for (int guard = 0; guard < 4096; guard++) {
            if (p.length <= a.length || Arrays.equals(p, a)) {
                return;
            }
            log.log(LogSink.NOTICE, "installing CREATE sentinel for " + new String(p, StandardCharsets.UTF_8));
            int i = p.length - 1;
            while (i > 0 && p[i] != '/') {
                i--;
            }
            if (i <= 0) {
                return;
            }
            p = Arrays.copyOf(p, i);
        }
    }

    private static byte[] trim(byte[] p) {
        int n = p.length;
        while (n > 1 && p[n - 1] == '/') {
            n--;
        }
        return Arrays.copyOf(p, n);
    }

    @Override
    public void started(Rule rule, int pid, List<byte[]> argv) {
        log.debug(handler.commandText() + " running; pid=" + pid);
    }

    @Override
    public void exited(Rule rule, int pid, int exitCode, int signal, boolean timedOut, long durationNanos) {
        DirEventLog.exit(log, pid, exitCode, signal, timedOut);
    }

    @Override
    public void output(Rule rule, int pid, boolean stderr, byte[] line, int length) {
        log.log(stderr ? LogSink.ERR : LogSink.INFO, new String(line, 0, length, StandardCharsets.UTF_8));
    }

    @Override
    public void failed(Rule rule, String why) {
        // the spawner's words already name the program and the reason (5.2: "failed with status 127")
        log.log(LogSink.ERR, why);
    }
}
