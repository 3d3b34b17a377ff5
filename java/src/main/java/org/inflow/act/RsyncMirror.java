package org.inflow.act;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.inflow.rules.ActionSpec;
import org.inflow.rules.Rule;

/**
 * Runs the rsync actions ({@link ActionSpec.RsyncBatch}): keeps every destination of a mirrored
 * tree in step with it. A destination first gets a full run (rsync OPTIONS SOURCE TARGET); after
 * that each run sends only the paths that changed since the last good run. Per destination there
 * is at most one rsync at a time, and runs start at most once per the rule's settle window. A failed
 * run keeps its paths for the next one, retried with back-off, while the other destinations go
 * on. An overflow (or a list grown past {@link RsyncTarget#MAX_PENDING}) means a full run again.
 *
 * <p>Jobs are taken on the coalescer's thread and only recorded there; runs are started and
 * finished on one thread of the mirror's own.
 */
public final class RsyncMirror implements AutoCloseable {
    /** What the mirror does, for the dialect's log. Called on the mirror's threads; be quick. */
    public interface Observer {
        /** A run starts (or, pretending, would start): its exact argv and the number of listed paths. */
        default void starting(Rule rule, byte[] target, boolean full, int paths, List<byte[]> argv, boolean pretend) {
        }

        /** A line rsync wrote. */
        default void output(Rule rule, byte[] target, byte[] line, int length) {
        }

        default void finished(Rule rule, byte[] target, boolean full, int paths, ChildExit exit) {
        }

        /** A rename in the source was done on the (local) destination before the run, instead of a transfer. */
        default void renamed(Rule rule, byte[] target, String from, String to) {
        }

        /** The run failed (or could not start); its paths are kept and tried again after the delay. */
        default void retrying(Rule rule, byte[] target, String why, long delayMillis) {
        }
    }

    private static final System.Logger LOG = System.getLogger("org.inflow.act.rsync");
    /** rsync's exit for "some files vanished": they were deleted or renamed, and that has its own event. */
    private static final int VANISHED = 24;
    private static final long FIRST_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long LAST_RETRY_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final NativeSpawner spawner;
    private final Map<String, RsyncTarget> targets = new HashMap<>();
    private final ScheduledExecutorService thread;
    private final ExecutorService listWriters;
    private volatile Observer observer = new Observer() { };
    private volatile boolean pretend;
    private volatile Duration stopGrace = Duration.ofSeconds(10);
    private boolean closing;

    public RsyncMirror(NativeSpawner spawner) {
        this.spawner = spawner;
        ScheduledThreadPoolExecutor one = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "inflow-rsync");
            t.setDaemon(true);
            return t;
        });
        // at close, the ends of the last runs are still told; waiting retries are not started
        one.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.thread = one;
        // rsync reads its file list while it works: a long list must not hold up the mirror's thread
        this.listWriters = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "inflow-rsync-list");
            t.setDaemon(true);
            return t;
        });
    }

    public void observer(Observer o) {
        observer = o == null ? new Observer() { } : o;
    }

    /** Runs are only reported to the observer, never started; each counts as a success. */
    public void pretend(boolean on) {
        pretend = on;
    }

    /** How long close() lets a running rsync finish before stopping it (TERM, then KILL after 5 s). */
    public void stopGrace(Duration d) {
        stopGrace = d;
    }

    /** Takes a due job of an rsync rule. Never refuses: the paths are merged into each destination's list. */
    public synchronized boolean offer(Job job) {
        Rule rule = job.rule();
        ActionSpec.RsyncBatch action = (ActionSpec.RsyncBatch) rule.action();
        byte[] source = action.source();
        for (byte[] t : action.targets()) {
            RsyncTarget target = targets.computeIfAbsent(RsyncTarget.key(source, t), k -> {
                RsyncTarget n = new RsyncTarget(source, t);
                n.bind(rule);
                return n;
            });
            if (target.retired) {
                continue;
            }
            if (job.overflow()) {
                target.wantFull();
            } else {
                for (byte[] p : job.paths()) {
                    target.addChanged(p);
                }
            }
            schedule(target);
        }
        return true;
    }

    /**
     * Every destination of the rule gets a full run, now or after its running one. The first call
     * for a rule is what lets its destinations run at all: call it once the watches are in place,
     * so that nothing changed between the full run's scan and the watches can be missed.
     */
    public synchronized void resync(Rule rule) {
        ActionSpec.RsyncBatch action = (ActionSpec.RsyncBatch) rule.action();
        byte[] source = action.source();
        for (byte[] t : action.targets()) {
            RsyncTarget target = targets.computeIfAbsent(RsyncTarget.key(source, t), k -> new RsyncTarget(source, t));
            target.bind(rule);
            target.retired = false;
            target.released = true;
            target.wantFull();
            schedule(target);
        }
    }

    /** Drops the destinations still bound to this rule (a reload no longer names them). */
    public synchronized void forget(Rule rule) {
        targets.values().removeIf(t -> {
            if (t.rule != rule) {
                return false;
            }
            t.retired = true;
            t.pending = new LinkedHashSet<>();
            t.needFull = false;
            return t.running == null;
        });
    }

    /** Runs started so far to this destination (pretended ones included). */
    public synchronized long runs(byte[] source, byte[] target) {
        RsyncTarget t = targets.get(RsyncTarget.key(source, target));
        return t == null ? 0 : t.runs;
    }

    /** Destinations with a run going or work waiting. */
    public synchronized int busy() {
        int n = 0;
        for (RsyncTarget t : targets.values()) {
            if (t.running != null || t.released && t.hasWork()) {
                n++;
            }
        }
        return n;
    }

    private void schedule(RsyncTarget t) {
        try {
            thread.execute(() -> kick(t));
        } catch (RejectedExecutionException closed) {
            // shutting down: nothing new starts
        }
    }

    private synchronized void kick(RsyncTarget t) {
        if (closing || t.retired || !t.released || t.running != null || !t.hasWork()) {
            return;
        }
        long now = System.nanoTime();
        long due = now;
        if (t.started) {
            due = Math.max(due, t.lastStartNanos + t.rule.settleNanos());
        }
        if (t.failures > 0) {
            due = Math.max(due, t.retryAtNanos);
        }
        if (due - now > 0) {
            if (t.wakeup == null || t.wakeup.isDone() || t.wakeupAtNanos - due > 0) {
                if (t.wakeup != null) {
                    t.wakeup.cancel(false);
                }
                t.wakeupAtNanos = due;
                t.wakeup = thread.schedule(() -> kick(t), due - now, TimeUnit.NANOSECONDS);
            }
            return;
        }
        start(t, now);
    }

    private void start(RsyncTarget t, long now) {
        boolean full = t.needFull;
        LinkedHashSet<String> sent = t.pending;
        t.pending = new LinkedHashSet<>();
        t.needFull = false;
        t.lastStartNanos = now;
        t.started = true;
        t.runs++;
        Rule rule = t.rule;
        List<byte[]> argv = full ? t.fullArgv() : t.incrementalArgv();
        int count = full ? 0 : sent.size();
        observer.starting(rule, t.target, full, count, argv, pretend);
        if (pretend) {
            t.failures = 0;
            schedule(t);
            return;
        }
        if (!full && LocalRenames.isLocal(t.target)) {
            for (String[] r : LocalRenames.apply(t.listBase(), t.target, sent)) {
                observer.renamed(rule, t.target, r[0], r[1]);
            }
        }
        SpawnRequest request = SpawnRequest.command(argv)
                .stdio(full ? SpawnRequest.Stdio.CAPTURE : SpawnRequest.Stdio.STDIN_PIPE)
                .outputSink((pid, line, length) -> observer.output(rule, t.target, line, length))
                .build();
        ChildHandle child;
        try {
            child = spawner.spawn(request);
        } catch (IOException | RuntimeException e) {
            failed(t, full, sent, e.getMessage());
            return;
        }
        t.running = child;
        t.runningFull = full;
        t.sending = sent;
        if (!full) {
            byte[] base = t.listBase();
            listWriters.execute(() -> writeList(child, base, sent));
        }
        child.onExit().whenComplete((exit, error) -> {
            try {
                thread.execute(() -> finished(t, child, exit));
            } catch (RejectedExecutionException closed) {
                finished(t, child, exit);
            }
        });
    }

    private synchronized void finished(RsyncTarget t, ChildHandle child, ChildExit exit) {
        if (t.running != child) {
            return;
        }
        t.running = null;
        boolean full = t.runningFull;
        LinkedHashSet<String> sent = t.sending;
        t.sending = null;
        int count = full ? 0 : sent.size();
        if (exit != null) {
            observer.finished(t.rule, t.target, full, count, exit);
        }
        if (t.retired) {
            targets.values().remove(t);
            return;
        }
        if (exit != null && (exit.exitCode() == 0 || exit.exitCode() == VANISHED)) {
            t.failures = 0;
        } else {
            failed(t, full, sent, exit == null ? "it did not end normally" : exit.describe());
            return;
        }
        schedule(t);
    }

    private void failed(RsyncTarget t, boolean full, LinkedHashSet<String> sent, String why) {
        t.restore(full, sent);
        t.failures++;
        if (!full && t.failures >= 3) {
            // a list rsync keeps refusing (or a destination down for long): a full run settles both
            t.wantFull();
        }
        long delay = Math.min(LAST_RETRY_NANOS, FIRST_RETRY_NANOS << Math.min(t.failures - 1, 10));
        t.retryAtNanos = System.nanoTime() + delay;
        observer.retrying(t.rule, t.target, why, TimeUnit.NANOSECONDS.toMillis(delay));
        schedule(t);
    }

    private static void writeList(ChildHandle child, byte[] base, LinkedHashSet<String> paths) {
        ListedAncestors ancestors = new ListedAncestors(base);
        try (OutputStream in = child.stdin()) {
            byte[] buf = new byte[1 << 16];
            int n = 0;
            for (String p : paths) {
                if (ancestors.belowNonDirectory(p)) {
                    continue; // its ancestor is listed itself and replaces it; rsync would fail on it
                }
                byte[] b = p.getBytes(StandardCharsets.ISO_8859_1);
                if (n + b.length + 1 > buf.length) {
                    in.write(buf, 0, n);
                    n = 0;
                }
                if (b.length + 1 > buf.length) {
                    in.write(b);
                    in.write(0);
                    continue;
                }
                System.arraycopy(b, 0, buf, n, b.length);
                n += b.length;
                buf[n++] = 0;
            }
            in.write(buf, 0, n);
        } catch (IOException stopped) {
            // rsync ended before reading its list: its exit status says what happened
        }
    }

    /**
     * Starts nothing new; lets running rsyncs finish for the stop grace, then stops them. What is
     * still pending is left to the next start's full run.
     */
    @Override
    public void close() {
        List<ChildHandle> running = new ArrayList<>();
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
            for (RsyncTarget t : targets.values()) {
                if (t.wakeup != null) {
                    t.wakeup.cancel(false);
                }
                if (t.running != null) {
                    running.add(t.running);
                }
            }
        }
        long deadline = System.nanoTime() + stopGrace.toNanos();
        try {
            for (ChildHandle c : running) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || c.waitFor(Duration.ofNanos(left)) == null) {
                    LOG.log(Level.WARNING, "stopping rsync {0}: still running after {1} s", c.pid(), stopGrace.toSeconds());
                    c.terminate();
                }
            }
            for (ChildHandle c : running) {
                c.waitFor(SpawnRequest.DEFAULT_GRACE.plusSeconds(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.shutdownNow();
        listWriters.shutdownNow();
    }
}
