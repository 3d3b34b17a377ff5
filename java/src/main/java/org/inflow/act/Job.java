package org.inflow.act;

import java.util.Arrays;
import java.util.List;

import org.inflow.rules.Rule;

/**
 * What the coalescer hands on when a key is due: the rule, the path (or the root for a job of the
 * whole root), the events folded into it and when they were read. The coalescer fills it while the
 * key is pending; once a {@link JobSink} takes it, nothing changes it any more.
 */
public final class Job {
    /** Events kept one by one per job; more are counted and folded into the mask, the newest kept last. */
    static final int KEPT_EVENTS = 64;

    private final Rule rule;
    private final byte[] path;
    private final int dirLength;
    private final int nameOffset;
    private final CoalescedPaths paths;
    private boolean overflow;
    private int mask;
    private int eventCount;
    private int kept;
    /** Per kept event: mask, cookie, flags side by side, so an event touches one cache line, not three. */
    private int[] events;
    private long firstReadNanos;
    private long lastReadNanos;
    private long readyNanos;
    /** The command of a job the daemon described itself (see {@link #prepared}), else null. */
    private byte[][] preparedArgv;
    private byte[][] preparedEnv;
    private byte[] preparedCwd;

    private Job(Rule rule, byte[] path, int dirLength, int nameOffset, CoalescedPaths paths, boolean overflow) {
        this.rule = rule;
        this.path = path;
        this.dirLength = dirLength;
        this.nameOffset = nameOffset;
        this.paths = paths;
        this.overflow = overflow;
        int room = rule.maxEvents() > 0 ? Math.min(rule.maxEvents(), 4) : 4;
        events = new int[room * 3];
    }

    /** @param path owned by the job from now on: directory, '/', name */
    static Job forPath(Rule rule, byte[] path, int dirLength, int nameOffset) {
        return new Job(rule, path, dirLength, nameOffset, null, false);
    }

    /** A job that stands for the rule's whole root: a batch collecting paths, or an overflow. */
    static Job forRoot(Rule rule, boolean collectsPaths, boolean overflow) {
        byte[] root = rule.root();
        return new Job(rule, root, root.length, root.length, collectsPaths ? new CoalescedPaths() : null, overflow);
    }

    /**
     * A run of the rule whose command the daemon describes itself instead of the rule's action:
     * direvent's synthesized create when a missing path appears. Everything else comes from the
     * rule as for its other runs (stdio and captured output, user, timeout), and the runner treats
     * it as the rule's next job: its caps, its order when its runs are serial, its reporter. So
     * the thread that saw the path appear does not wait for the run.
     *
     * @param env the whole environment; @param cwd null: the daemon's
     */
    public static Job prepared(Rule rule, byte[][] argv, byte[][] env, byte[] cwd) {
        Job job = forRoot(rule, false, false);
        job.preparedArgv = argv;
        job.preparedEnv = env;
        job.preparedCwd = cwd;
        long now = System.nanoTime();
        job.add(0, 0, 0, now);
        job.ready(now);
        return job;
    }

    boolean isPrepared() {
        return preparedArgv != null;
    }

    byte[][] preparedArgv() {
        return preparedArgv;
    }

    byte[][] preparedEnv() {
        return preparedEnv;
    }

    byte[] preparedCwd() {
        return preparedCwd;
    }

    void add(int eventMask, int cookie, int eventFlags, long readNanos) {
        if (eventCount == 0) {
            firstReadNanos = readNanos;
        }
        lastReadNanos = readNanos;
        mask |= eventMask;
        eventCount++;
        int slot = kept < KEPT_EVENTS ? kept++ : kept - 1;
        int at = slot * 3;
        if (at == events.length) {
            events = Arrays.copyOf(events, Math.min(KEPT_EVENTS, slot * 2) * 3);
        }
        events[at] = eventMask;
        events[at + 1] = cookie;
        events[at + 2] = eventFlags;
    }

    /** Past {@code limit} paths the list is dropped and the job stands for the whole root. */
    void addPath(byte[] p, int length, int hash, int limit) {
        if (overflow || paths == null) {
            return;
        }
        paths.add(p, length, hash);
        if (paths.size() > limit) {
            markOverflow();
        }
    }

    void markOverflow() {
        overflow = true;
        if (paths != null) {
            paths.clear();
        }
    }

    void ready(long nanos) {
        readyNanos = nanos;
    }

    public Rule rule() {
        return rule;
    }

    /**
     * Events of the rule's root were lost (kernel queue overflow, rescan, or too many pending keys):
     * the job stands for the whole root, and {@link #paths} is empty.
     */
    public boolean overflow() {
        return overflow;
    }

    /** The job's path bytes, not a copy: do not modify. Directory, '/', name; or the root. */
    public byte[] pathBytes() {
        return path;
    }

    public byte[] path() {
        return path.clone();
    }

    /** pathBytes()[0, dirLength) is the directory the event happened in. */
    public int dirLength() {
        return dirLength;
    }

    /** pathBytes()[nameOffset, length) is the entry's name; empty for an event on the directory itself. */
    public int nameOffset() {
        return nameOffset;
    }

    public byte[] dir() {
        return Arrays.copyOf(path, dirLength);
    }

    public byte[] name() {
        return Arrays.copyOfRange(path, nameOffset, path.length);
    }

    /** The union of the events' inotify bits (IN_Q_OVERFLOW for an overflow). */
    public int mask() {
        return mask;
    }

    /** How many events folded into the job, kept or not. */
    public int eventCount() {
        return eventCount;
    }

    /** How many events are kept one by one: index 0 is the first event, the last index the newest. */
    public int keptEvents() {
        return kept;
    }

    public int eventMask(int i) {
        return events[check(i) * 3];
    }

    public int eventCookie(int i) {
        return events[check(i) * 3 + 1];
    }

    /** The engine's F_* flags of the event (synthetic, rescan, ...). */
    public int eventFlags(int i) {
        return events[check(i) * 3 + 2];
    }

    /** For a job of the whole root: each changed path (directory, '/', name) once, in first-change order. */
    public List<byte[]> paths() {
        return paths == null || overflow ? List.of() : paths.asList();
    }

    /** System.nanoTime() when the first event was read from the kernel: where latency starts. */
    public long firstReadNanos() {
        return firstReadNanos;
    }

    public long lastReadNanos() {
        return lastReadNanos;
    }

    /** When the coalescer found the job due (so readyNanos - firstReadNanos is time spent settling). */
    public long readyNanos() {
        return readyNanos;
    }

    private int check(int i) {
        if (i < 0 || i >= kept) {
            throw new IndexOutOfBoundsException(i);
        }
        return i;
    }

    @Override
    public String toString() {
        return "job " + rule + " " + new String(path, java.nio.charset.StandardCharsets.UTF_8)
                + (overflow ? " overflow" : "") + " mask=0x" + Integer.toHexString(mask) + " events=" + eventCount
                + (paths != null ? " paths=" + paths.size() : "");
    }
}
