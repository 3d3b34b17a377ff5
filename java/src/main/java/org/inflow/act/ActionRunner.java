package org.inflow.act;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.inflow.kernel.Posix;
import org.inflow.rules.ActionSpec;
import org.inflow.rules.Grouping;
import org.inflow.rules.Rule;
import org.inflow.rules.RuleReporter;

/**
 * The last stage: turns due jobs into child processes. It never blocks the coalescer: when a
 * cap is reached it refuses the job (QUEUE: the coalescer keeps folding events into it and
 * offers it again), drops it (IGNORE), or stops the rule's running children and offers later
 * (RESTART). It also applies a rule's oneshot and no-loop.
 */
public final class ActionRunner implements JobSink, AutoCloseable {
    public enum OnBusy { QUEUE, RESTART, IGNORE }

    /** Called on the coalescer's thread right after a child started (for latency figures). */
    @FunctionalInterface
    public interface SpawnListener {
        void spawned(Job job, ChildHandle child, long spawnedNanos);
    }

    private static final System.Logger LOG = System.getLogger("org.inflow.act.runner");
    /** Events read this long after a no-loop rule's child ended are still taken for its own. */
    private static final long NO_LOOP_GRACE_NANOS = 20_000_000L;

    private final NativeSpawner spawner;
    private final RequestBuilder requests = new RequestBuilder();
    private final int maxRunning;
    private final OnBusy onBusy;
    private final byte batchSeparator;
    private final SpawnListener listener;
    private final AtomicInteger running = new AtomicInteger();
    /** By rule, or by serial group for the rules in one. */
    private final Map<Object, RuleState> states = new IdentityHashMap<>();
    private final ExecutorService stdinWriters;
    /**
     * posix_spawn returns only once the child has exec'd (~0.25 ms here), so runs are started
     * by two threads, off the coalescer's thread. Its queue is bounded: when it is full the job
     * is refused and stays with the coalescer, so memory stays bounded under any flood.
     */
    private final ThreadPoolExecutor starters;
    /** Runs the rsync actions: per destination state the per-job path here does not have. */
    private final RsyncMirror mirror;
    /** Told when room frees up after a refusal (see {@link #onRoom}). */
    private volatile Runnable roomListener;
    /** A job was refused and the sink has not been told of room since. Under `this`. */
    private boolean refusedSinceRoom;

    /**
     * @param maxRunning     children at once over all rules (0: no cap beyond each rule's own)
     * @param batchSeparator what ends each path written to a batch command's stdin ('\0' or '\n')
     */
    public ActionRunner(NativeSpawner spawner, int maxRunning, OnBusy onBusy, byte batchSeparator,
                        SpawnListener listener) {
        this.spawner = spawner;
        this.maxRunning = maxRunning;
        this.onBusy = onBusy;
        this.batchSeparator = batchSeparator;
        this.listener = listener;
        this.mirror = new RsyncMirror(spawner);
        // A child that does not read its batch must not stall the coalescer's thread.
        this.stdinWriters = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "inflow-stdin");
            t.setDaemon(true);
            return t;
        });
        this.starters = new ThreadPoolExecutor(STARTERS, STARTERS, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(START_QUEUE), r -> {
                    Thread t = new Thread(Posix.withShortSlice(r), "inflow-spawn");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    private static final int STARTERS = 2;
    private static final int START_QUEUE = 256;
    private static final int SERIAL_BACKLOG = 4096;

    /** Per rule: its children now, and when they ran (for no-loop). Touched under `this`. */
    private static final class RuleState {
        final List<ChildHandle> children = new ArrayList<>();
        int active; // children plus runs being started
        long busySince;
        long lastBusyStart;
        long lastIdleAt;
        boolean fired;
        final java.util.ArrayDeque<Job> backlog = new java.util.ArrayDeque<>();
    }

    public int running() {
        return running.get();
    }

    public RsyncMirror mirror() {
        return mirror;
    }

    /**
     * Called when a run ends (on the reaper thread) or fails to start (on a starter thread) after
     * a job was refused: the coalescer can offer it again now (EventPipeline::wake) instead of at
     * its next tick. It must not block.
     */
    public void onRoom(Runnable listener) {
        roomListener = listener;
    }

    @Override
    public synchronized boolean offer(Job job) {
        boolean taken = take(job);
        if (!taken) {
            refusedSinceRoom = true;
        }
        return taken;
    }

    private boolean take(Job job) {
        Rule rule = job.rule();
        boolean prepared = job.isPrepared();
        if (!prepared && rule.action() instanceof ActionSpec.RsyncBatch) {
            return mirror.offer(job);
        }
        RuleState s = states.computeIfAbsent(stateKey(rule), r -> new RuleState());
        if (rule.oneshot() && s.fired) {
            return true;
        }
        if (job.overflow() && !rule.overflowRuns()) {
            return true;
        }
        if (rule.noLoop() && !prepared && causedByOwnRun(s, job)) {
            return true; // the rule's own child made these changes
        }
        int ruleCap = rule.serial() ? 1 : rule.maxRunning();
        boolean busy = (ruleCap > 0 && s.active >= ruleCap) || (maxRunning > 0 && running.get() >= maxRunning);
        if ((keepsEachEvent(rule) || prepared) && (busy || !s.backlog.isEmpty())) {
            // a prepared job has no coalescer to hold it and offer it again: it waits here too
            if (s.backlog.size() >= SERIAL_BACKLOG) {
                return false; // full: the coalescer holds (and folds) the rest
            }
            s.backlog.add(job);
            if (!busy) {
                startBacklog(s); // a finish could not start the oldest one then
            }
            return true;
        }
        if (busy) {
            switch (onBusy) {
                case IGNORE:
                    return true;
                case RESTART:
                    for (ChildHandle c : s.children) {
                        c.terminate();
                    }
                    return false; // offered again once they are gone
                default:
                    return false;
            }
        }
        return start(job, rule, s);
    }

    private static boolean causedByOwnRun(RuleState s, Job job) {
        if (s.busySince != 0 && job.firstReadNanos() >= s.busySince) {
            return true;
        }
        return s.lastBusyStart != 0 && job.firstReadNanos() >= s.lastBusyStart
                && job.lastReadNanos() <= s.lastIdleAt + NO_LOOP_GRACE_NANOS;
    }

    private boolean start(Job job, Rule rule, RuleState s) {
        ActionSpec action = job.isPrepared() ? null : rule.action();
        if (action instanceof ActionSpec.Call) {
            ActionSpec.Call.Callback cb = ((ActionSpec.Call) action).callback();
            byte[] path = job.overflow() ? rule.root() : job.path();
            int mask = job.mask();
            boolean overflow = job.overflow();
            try {
                // off the pipeline's thread: the daemon's own work (a table reload) may take a while
                starters.execute(() -> {
                    try {
                        cb.due(rule, path, mask, overflow);
                    } catch (RuntimeException e) {
                        reportFailure(rule, e);
                    }
                });
            } catch (RejectedExecutionException full) {
                return false;
            }
            s.fired = true;
            return true;
        }
        if (action instanceof ActionSpec.Print) {
            byte[] line = requests.renderer().render(((ActionSpec.Print) action).line(), job);
            synchronized (System.out) {
                System.out.write(line, 0, line.length);
                System.out.write('\n');
                System.out.flush();
            }
            s.fired = true;
            return true;
        }
        SpawnRequest request;
        try {
            request = requests.build(rule, job);
        } catch (IOException | RuntimeException e) {
            reportFailure(rule, e);
            return true; // a command that cannot be described now will not be later either
        }
        // The child may change things (and we may read its events) before it is even started:
        // for no-loop, its run begins now.
        if (s.busySince == 0) {
            s.busySince = System.nanoTime();
        }
        s.active++;
        running.incrementAndGet();
        try {
            starters.execute(() -> launch(job, rule, s, request));
        } catch (RejectedExecutionException full) {
            s.active--;
            running.decrementAndGet();
            idleIfDone(s);
            return false;
        }
        s.fired = true;
        return true;
    }

    private void launch(Job job, Rule rule, RuleState s, SpawnRequest request) {
        ChildHandle child;
        try {
            child = spawner.spawn(request);
        } catch (IOException | RuntimeException e) {
            // a command that cannot start now will not start on a retry either: report, drop
            reportFailure(rule, e);
            synchronized (this) {
                s.active--;
                running.decrementAndGet();
                idleIfDone(s);
            }
            roomFreed();
            return;
        }
        long now = System.nanoTime();
        synchronized (this) {
            s.children.add(child);
        }
        if (listener != null) {
            listener.spawned(job, child, now);
        }
        RuleReporter reporter = rule.reporter();
        if (reporter != RuleReporter.SILENT) {
            reporter.started(rule, child.pid(), java.util.Arrays.asList(request.argv()), job.dir(), job.name(),
                    job.mask());
        }
        if (rule.grouping() == Grouping.PER_ROOT && !job.overflow()) {
            List<byte[]> paths = job.paths();
            stdinWriters.execute(() -> writeBatch(child, paths));
        }
        child.onExit().whenComplete((exit, error) -> {
            finished(rule, child);
            if (exit != null && reporter != RuleReporter.SILENT) {
                reporter.exited(rule, exit.pid(), exit.exitCode(), exit.signal(), exit.timedOut(), exit.durationNanos());
            }
        });
    }

    private void finished(Rule rule, ChildHandle child) {
        ended(rule, child);
        roomFreed();
    }

    private synchronized void ended(Rule rule, ChildHandle child) {
        RuleState s = states.get(stateKey(rule));
        running.decrementAndGet();
        if (s == null) {
            return;
        }
        s.children.remove(child);
        s.active--;
        idleIfDone(s);
        if (!s.backlog.isEmpty()) {
            startBacklog(s);
        }
    }

    /**
     * A serial rule that runs every event on its own (maxEvents 1, as direvent's "wait") must not
     * have the events that come while it runs folded into one job: its due jobs wait here, in
     * order, up to SERIAL_BACKLOG of them.
     */
    private static boolean keepsEachEvent(Rule rule) {
        return rule.serial() && rule.maxEvents() == 1;
    }

    /** Rules of one serial group share their run state: one of them runs at a time. */
    private static Object stateKey(Rule rule) {
        return rule.serial() && rule.serialGroup() != null ? rule.serialGroup() : rule;
    }

    /** Starts the oldest waiting job of the rule (or group) if it may run now. @return whether one started */
    private boolean startBacklog(RuleState s) {
        if (s.active > 0 || (maxRunning > 0 && running.get() >= maxRunning)) {
            return false;
        }
        Job next = s.backlog.poll();
        if (next == null) {
            return false;
        }
        if (!start(next, next.rule(), s)) {
            s.backlog.addFirst(next); // the starters are full: the next finish or offer tries again
            return false;
        }
        return true;
    }

    private void roomFreed() {
        Runnable l = roomListener;
        if (l == null) {
            return;
        }
        synchronized (this) {
            if (!refusedSinceRoom) {
                return; // nothing waits for room: no wake-up per run
            }
            refusedSinceRoom = false;
        }
        l.run();
    }

    private static void idleIfDone(RuleState s) {
        if (s.active == 0 && s.busySince != 0) {
            s.lastBusyStart = s.busySince;
            s.lastIdleAt = System.nanoTime();
            s.busySince = 0;
        }
    }

    private static void reportFailure(Rule rule, Exception e) {
        if (rule.reporter() != RuleReporter.SILENT) {
            rule.reporter().failed(rule, e.getMessage());
        } else {
            LOG.log(Level.ERROR, "{0}: cannot run {1}: {2}", rule.origin(), rule.action(), e.getMessage());
        }
    }

    private void writeBatch(ChildHandle child, List<byte[]> paths) {
        try (OutputStream in = child.stdin()) {
            for (byte[] p : paths) {
                in.write(p);
                in.write(batchSeparator);
            }
        } catch (IOException closedEarly) {
            // the command stopped reading: its choice
        }
    }

    @Override
    public void close() {
        mirror.close();
        starters.shutdownNow();
        stdinWriters.shutdownNow();
    }
}
