package org.inflow.act;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.inflow.kernel.NativeLoader;
import org.inflow.kernel.Posix;

/**
 * Runs commands through libinflow's posix_spawn: argv without a shell (or a shell when the request
 * names one), each child the leader of a new process group, signal mask and dispositions reset, no
 * inherited fd above 2, cwd and environment from the request, another user through the exec
 * helper. One daemon thread, {@code inflow-reaper}, reaps every child through its pidfd (never
 * waitpid(-1), no SIGCHLD handler), reads captured output, and enforces timeouts: at the deadline
 * SIGTERM to the group, after the grace SIGKILL to the group.
 * <p>
 * Each run is logged on {@code org.inflow.act.NativeSpawner}: the spawn at DEBUG; the end (program,
 * pid, exit code or signal, duration) at DEBUG when it exited 0, else at INFO. Captured lines go
 * to the request's logger, by default {@code org.inflow.act.output}, at INFO.
 * <p>
 * Thread-safe: any thread may spawn. {@link #close()} stops every child still running.
 */
public final class NativeSpawner implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NativeSpawner.class.getName());
    /** The default destination of captured output lines. */
    public static final System.Logger OUTPUT = System.getLogger("org.inflow.act.output");

    private static final int SIGTERM = 15;
    private static final int SIGKILL = 9;
    private static final int EAGAIN = 11;
    private static final int ESRCH = 3;
    private static final int IN_NULL = 0, IN_INHERIT = 1, IN_PIPE = 2;
    private static final int OUT_NULL = 0, OUT_INHERIT = 1, OUT_PIPE = 2;
    /** stderr apart from stdout (spawner.h's enum spawn_err), passed in bits 4-7 of the out mode. */
    private static final int ERR_NULL = 1, ERR_PIPE = 2;
    /** In the in mode: fds 0-2 that would be /dev/null are closed (spawn_req.close_unused). */
    private static final int CLOSE_UNUSED = 1 << 8;
    private static final int KIND_EXIT = 1, KIND_OUTPUT = 2;
    private static final int EV_INTS = 7, EV_CAP = 64;
    private static final int TAG_MAX = 0x3fffffff;
    /** Reads of one pipe per readiness: a chatty child cannot starve the others or the reaping. */
    private static final int READS_PER_EVENT = 16;
    /** sleepingUntil while the reaper thread is not waiting (it looks at its queue before it waits). */
    private static final long AWAKE = Long.MIN_VALUE;

    private static final Comparator<ChildHandle> BY_DEADLINE = (a, b) -> {
        int c = Long.compare(a.deadline - b.deadline, 0);
        return c != 0 ? c : Integer.compare(a.tag, b.tag);
    };

    private final long reaper;
    private final Thread thread;
    /** Children not reaped yet, by tag. */
    private final ConcurrentHashMap<Integer, ChildHandle> live = new ConcurrentHashMap<>();
    /** Children whose capture pipe is open (it may outlive the child), by tag. */
    private final ConcurrentHashMap<Integer, ChildHandle> captures = new ConcurrentHashMap<>();
    /** Children with a timeout or a terminate request, for the reaper thread to schedule. */
    private final ConcurrentLinkedQueue<ChildHandle> incoming = new ConcurrentLinkedQueue<>();
    private final AtomicInteger nextTag = new AtomicInteger();
    /** The deadline the reaper thread sleeps until, or AWAKE. */
    private volatile long sleepingUntil = AWAKE;
    private volatile boolean closing;
    private volatile boolean stopped;
    private volatile byte[] helper;

    // Reaper thread only:
    private final TreeSet<ChildHandle> deadlines = new TreeSet<>(BY_DEADLINE);
    private final int[] events = new int[EV_INTS * EV_CAP];
    private final byte[] readBuf = new byte[64 * 1024];

    /** Loads libinflow if needed and starts the reaper thread. */
    public NativeSpawner() throws IOException {
        NativeLoader.load();
        int[] err = new int[1];
        reaper = reaperNew(err);
        if (reaper == 0) {
            throw new IOException("inflow reaper (epoll, eventfd): " + errorText(err[0]));
        }
        thread = new Thread(Posix.withShortSlice(this::reap), "inflow-reaper");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Starts the child; returns once it runs (or ran: a failed exec is reported here, not as an
     * exit). Errors: no such program (ENOENT), not executable (EACCES), bad cwd, no exec helper.
     *
     * @throws IOException the child could not be started; nothing is left behind
     * @throws IllegalStateException after {@link #close()}
     */
    public ChildHandle spawn(SpawnRequest r) throws IOException {
        if (closing) {
            throw new IllegalStateException("the spawner is closed");
        }
        int in, out;
        switch (r.stdio) {
            case INHERIT: in = IN_INHERIT; out = OUT_INHERIT; break;
            case CAPTURE: in = IN_NULL; out = OUT_PIPE; break;
            case STDIN_PIPE: in = IN_PIPE; out = OUT_PIPE; break;
            case CAPTURE_SPLIT: in = IN_NULL; out = OUT_PIPE | ERR_PIPE << 4; break;
            case CAPTURE_STDOUT: in = IN_NULL; out = OUT_PIPE | ERR_NULL << 4; break;
            case CAPTURE_STDERR: in = IN_NULL; out = OUT_NULL | ERR_PIPE << 4; break;
            default: in = IN_NULL; out = OUT_NULL; break;
        }
        if (r.closeUnused) {
            in |= CLOSE_UNUSED;
        }
        byte[] help = null;
        int uid = 0, gid = 0;
        int[] groups = null;
        if (r.user != null) {
            help = helperPath();
            uid = r.user.uid();
            gid = r.user.gid();
            groups = r.user.groupsShared();
        }
        int[] res = {-1, -1, -1, -1, -1};
        long start = System.nanoTime();
        int err = spawn0(r.argv, r.env, r.cwd, in, out, help, uid, gid, groups, res);
        long execed = System.nanoTime();
        if (err != 0) {
            throw new IOException("cannot run " + r.program() + (r.user != null ? " as " + r.user : "") + ": "
                    + errorText(err));
        }
        int tag = newTag();
        ChildHandle h = new ChildHandle(this, tag, res[0], res[1], res[2], r, start, execed);
        if (res[3] >= 0) {
            h.capture = new ChildHandle.Capture(res[3], r.outputLogger != null ? r.outputLogger : OUTPUT, r.outputSink, res[0],
                    h.label() + ": ");
            captures.put(tag, h);
            err = reaperWatchOutput(reaper, tag, res[3]);
            if (err != 0) {
                captures.remove(tag);
                close0(res[3]);
                LOG.log(Level.WARNING, "{0}: its output is not captured: {1}", h.label(), errorText(err));
            }
        }
        live.put(tag, h); // after h is complete: the reaper thread takes it from here
        if (res[4] >= 0) {
            int errTag = newTag();
            h.errTag = errTag;
            h.errCapture = new ChildHandle.Capture(res[4], r.outputLogger != null ? r.outputLogger : OUTPUT, r.outputSink,
                    res[0], h.label() + ": ", true);
            captures.put(errTag, h);
            err = reaperWatchOutput(reaper, errTag, res[4]);
            if (err != 0) {
                captures.remove(errTag);
                close0(res[4]);
                h.errCapture = null;
                LOG.log(Level.WARNING, "{0}: its stderr is not captured: {1}", h.label(), errorText(err));
            }
        }
        err = reaperWatch(reaper, tag, res[1]);
        if (err != 0) {
            // Nobody could reap it: end it now rather than leave it running unsupervised.
            live.remove(tag);
            signalGroup(h.pid, h.pidfd, SIGKILL);
            LOG.log(Level.ERROR, "{0}: cannot watch its pidfd ({1}); killed, left unreaped", h.label(), errorText(err));
            throw new IOException("cannot watch " + h.label() + ": " + errorText(err));
        }
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "{0}: started{1}", h.label(), r.user != null ? " as " + r.user : "");
        }
        if (r.timeoutNanos > 0) {
            incoming.add(h);
            long s = sleepingUntil;
            if (s != AWAKE && start + r.timeoutNanos - s < 0) {
                reaperWake(reaper);
            }
        }
        if (closing) {
            h.terminate(); // raced with close(): it stops this one too
        }
        return h;
    }

    /** Children started and not reaped yet. */
    public int running() {
        return live.size();
    }

    /**
     * Stops every child still running (SIGTERM to each group, SIGKILL after its grace), waits for
     * them, then ends the reaper thread. Later spawns fail.
     */
    @Override
    public void close() {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("close() from the reaper thread (an onExit action) would wait for itself");
        }
        synchronized (this) {
            if (stopped) {
                return;
            }
            closing = true;
        }
        List<CompletableFuture<ChildExit>> ends = new ArrayList<>();
        long grace = 0;
        for (ChildHandle h : live.values()) {
            ends.add(h.exit);
            grace = Math.max(grace, h.request.graceNanos);
            h.terminate();
        }
        try {
            CompletableFuture.allOf(ends.toArray(new CompletableFuture<?>[0]))
                    .get(grace + TimeUnit.SECONDS.toNanos(5), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "{0} children did not end at shutdown", live.size());
        }
        stopped = true;
        reaperWake(reaper);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            return; // never free what the reaper thread may still use
        }
        captures.forEach((t, h) -> close0(captureOf(h, t).fd));
        captures.clear();
        for (ChildHandle h : live.values()) {
            close0(h.pidfd);
            h.exit.completeExceptionally(new IllegalStateException("spawner closed before " + h.label() + " ended"));
        }
        live.clear();
        reaperFree(reaper);
    }

    /**
     * The benchmark's baseline: n times posix_spawn(path) with default attributes, stdio on
     * /dev/null, and waitpid, all in C, on the calling thread.
     */
    public static void benchCSpawnLoop(byte[] path, int n) {
        NativeLoader.load();
        int err = benchLoop0(path, n);
        if (err != 0) {
            throw new IllegalStateException("posix_spawn " + new String(path, StandardCharsets.UTF_8) + ": "
                    + errorText(err));
        }
    }

    void requestTerminate(ChildHandle h) {
        if (h.exit.isDone()) {
            return;
        }
        h.terminateRequested = true;
        incoming.add(h);
        reaperWake(reaper);
    }

    private byte[] helperPath() throws IOException {
        byte[] p = helper;
        if (p == null) {
            try {
                p = NativeLoader.execHelper().toString().getBytes(StandardCharsets.UTF_8);
            } catch (UnsatisfiedLinkError e) {
                throw new IOException(e.getMessage(), e);
            }
            helper = p;
        }
        return p;
    }

    private int newTag() {
        for (;;) {
            int t = nextTag.getAndIncrement() & TAG_MAX;
            // after 2^30 spawns tags wrap: skip one still in use
            if (!live.containsKey(t) && !captures.containsKey(t)) {
                return t;
            }
        }
    }

    // ---- the reaper thread ----

    private void reap() {
        while (!stopped) {
            try {
                long now = System.nanoTime();
                schedule(now);
                fireDeadlines(now);
                int timeoutMs = -1;
                long until = now + Long.MAX_VALUE / 4; // no deadline: "far away"
                if (!deadlines.isEmpty()) {
                    until = deadlines.first().deadline;
                    long left = until - now;
                    timeoutMs = left <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000);
                }
                sleepingUntil = until;
                // A spawner adds, then reads sleepingUntil; we wrote it, now look: nothing is missed.
                if (!incoming.isEmpty() || stopped) {
                    sleepingUntil = AWAKE;
                    continue;
                }
                int n = reaperWait(reaper, timeoutMs, events);
                sleepingUntil = AWAKE;
                if (n < 0) {
                    LOG.log(Level.ERROR, "reaper: epoll_wait: {0}", errorText(-n));
                    Thread.sleep(100);
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    int o = i * EV_INTS;
                    try {
                        if (events[o] == KIND_EXIT) {
                            ended(events[o + 1], events[o + 2], events[o + 4], events[o + 5], events[o + 6] != 0);
                        } else if (events[o] == KIND_OUTPUT) {
                            ChildHandle h = captures.get(events[o + 1]);
                            if (h != null) {
                                drain(h, events[o + 1], READS_PER_EVENT);
                            }
                        }
                    } catch (Throwable t) {
                        // one event's failure (a logger that throws) must not lose the others: they are reaped
                        LOG.log(Level.ERROR, "reaper: " + t, t);
                    }
                }
            } catch (Throwable t) {
                // The one thread that reaps must not die of one bad callback or log handler.
                LOG.log(Level.ERROR, "reaper: " + t, t);
            }
        }
    }

    /** New timeouts and terminate requests. */
    private void schedule(long now) {
        ChildHandle h;
        while ((h = incoming.poll()) != null) {
            if (h.ended) {
                continue;
            }
            if (h.terminateRequested && h.phase == 0) {
                if (h.scheduled) {
                    deadlines.remove(h);
                    h.scheduled = false;
                }
                term(h, now, "terminated");
            } else if (!h.scheduled && h.phase == 0 && h.request.timeoutNanos > 0) {
                h.deadline = h.startNanos + h.request.timeoutNanos;
                h.scheduled = true;
                deadlines.add(h);
            }
        }
    }

    private void fireDeadlines(long now) {
        while (!deadlines.isEmpty() && deadlines.first().deadline - now <= 0) {
            ChildHandle h = deadlines.pollFirst();
            h.scheduled = false;
            if (h.phase == 0) {
                h.timedOut = true;
                term(h, now, "timed out after " + fmt(h.request.timeoutNanos));
            } else if (h.phase == 1) {
                h.phase = 2;
                LOG.log(Level.INFO, "{0}: still running {1} after SIGTERM: SIGKILL to its process group", h.label(),
                        fmt(h.request.graceNanos));
                signal(h, SIGKILL);
            }
        }
    }

    /** SIGTERM to the group now, SIGKILL after the grace (or when the leader ends first). */
    private void term(ChildHandle h, long now, String why) {
        h.phase = 1;
        // From now on its end takes the rest of its group along (killed before the leader is reaped).
        reaperKillOnExit(reaper, h.tag, h.pidfd);
        LOG.log(Level.INFO, "{0}: {1}: SIGTERM to its process group", h.label(), why);
        signal(h, SIGTERM);
        if (h.request.graceNanos == 0) {
            h.phase = 2;
            signal(h, SIGKILL);
            return;
        }
        h.deadline = now + h.request.graceNanos;
        h.scheduled = true;
        deadlines.add(h);
    }

    private void signal(ChildHandle h, int sig) {
        int err = signalGroup(h.pid, h.pidfd, sig);
        if (err != 0 && err != ESRCH) {
            LOG.log(Level.WARNING, "{0}: signal {1} to its process group: {2}", h.label(), sig, errorText(err));
        }
    }

    private void ended(int tag, int pid, int code, int sig, boolean core) {
        ChildHandle h = live.remove(tag);
        if (h == null) {
            LOG.log(Level.WARNING, "reaper: exit of unknown child pid " + pid + " (tag " + tag + ")");
            return;
        }
        long duration = System.nanoTime() - h.startNanos;
        h.ended = true;
        if (h.scheduled) {
            deadlines.remove(h);
            h.scheduled = false;
        }
        ChildExit e = new ChildExit(pid != 0 ? pid : h.pid, code, sig, core, h.timedOut, duration);
        try {
            if (h.stdin != null) {
                h.stdin.closeAfterExit();
            }
            if (h.capture != null && captures.get(tag) == h) {
                // its last lines before its exit line (a grandchild may keep the pipe open: bounded)
                drain(h, tag, 4 * READS_PER_EVENT);
            }
            if (h.errCapture != null && captures.get(h.errTag) == h) {
                drain(h, h.errTag, 4 * READS_PER_EVENT);
            }
            Level level = e.success() ? Level.DEBUG : Level.INFO;
            if (LOG.isLoggable(level)) {
                LOG.log(level, "{0}: {1} after {2}", h.label(), e.describe(), fmt(duration));
            }
        } finally {
            h.exit.complete(e);
        }
    }

    /** The capture a reaper tag stands for: the child's stdout (or both), or its stderr's own. */
    private static ChildHandle.Capture captureOf(ChildHandle h, int tag) {
        return tag == h.errTag && h.errCapture != null ? h.errCapture : h.capture;
    }

    /** Reads what the pipe holds (up to maxReads reads); at EOF logs the last line and closes it. */
    private void drain(ChildHandle h, int tag, int maxReads) {
        ChildHandle.Capture c = captureOf(h, tag);
        for (int i = 0; i < maxReads; i++) {
            int n = read0(c.fd, readBuf, 0, readBuf.length);
            if (n > 0) {
                c.feed(readBuf, n);
                continue;
            }
            if (n == -EAGAIN) {
                return;
            }
            if (n < 0) {
                LOG.log(Level.WARNING, "{0}: reading its output: {1}", h.label(), errorText(-n));
            }
            c.flush();
            // Forget it before closing: the fd number may be reused at once.
            captures.remove(tag, h);
            reaperCloseOutput(reaper, c.fd);
            if (c.sink != null) {
                c.sink.closed();
            }
            return;
        }
    }

    private static String fmt(long nanos) {
        if (nanos < 10_000_000_000L) {
            return String.format("%.1f ms", nanos / 1e6);
        }
        return String.format("%.1f s", nanos / 1e9);
    }

    // ---- libinflow (jni_spawn.c); errors come back as errno values ----

    private static native int spawn0(byte[][] argv, byte[][] env, byte[] cwd, int in, int out, byte[] helper, int uid,
                                     int gid, int[] groups, int[] result);

    private static native long reaperNew(int[] err);

    private static native void reaperFree(long reaper);

    private static native int reaperWait(long reaper, int timeoutMs, int[] events);

    private static native void reaperWake(long reaper);

    private static native int reaperWatch(long reaper, int tag, int pidfd);

    private static native int reaperWatchOutput(long reaper, int tag, int fd);

    private static native int reaperCloseOutput(long reaper, int fd);

    private static native int reaperKillOnExit(long reaper, int tag, int pidfd);

    private static native int signalGroup(int pgid, int pidfd, int sig);

    static native int read0(int fd, byte[] buf, int off, int len);

    static native int write0(int fd, byte[] buf, int off, int len);

    static native int close0(int fd);

    static native String errorText(int errno);

    private static native int benchLoop0(byte[] path, int n);
}
