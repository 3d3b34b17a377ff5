package org.inflow.act;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import com.lmax.disruptor.EventHandler;

import org.inflow.kernel.Abi;
import org.inflow.pipeline.FsEvent;
import org.inflow.rules.Grouping;
import org.inflow.rules.LiveRules;
import org.inflow.rules.Rule;
import org.inflow.rules.RuleIndex;
import org.inflow.rules.RuleMatches;

/**
 * The pipeline stage that turns events into jobs. Each event goes to the rules it matches; per
 * (rule, key) events fold into one pending job until the key has been quiet for the rule's settle
 * window, its first event is max-delay old, or it holds max-events events. Due jobs go to the
 * {@link JobSink} in the order they came due, so one key's jobs keep their order.
 *
 * <p>Time moves on at each batch of events and at each idle tick of the ring (onTimeout), so there
 * is no timer per key. A settle window of zero makes a job due at the end of the batch that
 * brought its events. A sink that refuses makes jobs wait here while later events fold into them:
 * memory grows with the number of keys, never with the number of events, and past
 * {@code maxPendingKeys} new keys fold into an overflow job of their rule's root instead.
 *
 * <p>Runs on one consumer thread; the accessors for counts may be read from others, loosely.
 */
public final class Coalescer implements EventHandler<FsEvent> {
    public static final int DEFAULT_MAX_PENDING_KEYS = 1 << 18;
    public static final int DEFAULT_MAX_BATCH_PATHS = 1 << 16;

    private static final int IN_Q_OVERFLOW = 0x4000;
    /** How long shutdown keeps offering jobs to a full sink: this many 1 ms waits. */
    private static final int SHUTDOWN_PATIENCE_MS = 2000;

    private final LiveRules rules;
    private final JobSink sink;
    private final LongSupplier clock;
    private final int maxPendingKeys;
    private final int maxBatchPaths;

    private final RuleMatches matches = new RuleMatches();
    private final CoalescerKey probe = new CoalescerKey();
    private final WindowTable windows = new WindowTable();
    private final Map<Rule, CoalescingRule> byRule = new IdentityHashMap<>();
    /** Rules with open windows: the ones a tick has to look at. */
    private CoalescingRule[] active = new CoalescingRule[8];
    private int activeCount;
    private CoalescingWindow readyHead;
    private CoalescingWindow readyTail;

    /** The current event's full path, built once and shared by every rule it matches. */
    private byte[] path = new byte[256];
    private int pathLength;
    private int pathHash;
    private int dirLength;
    private int nameOffset;

    private long now;
    private boolean inBatch;

    private int readyCount;
    private long delivered;
    private long refused;
    private long degraded;

    public Coalescer(LiveRules rules, JobSink sink) {
        this(rules, sink, System::nanoTime, DEFAULT_MAX_PENDING_KEYS, DEFAULT_MAX_BATCH_PATHS);
    }

    /**
     * @param nanoClock System::nanoTime, or a test's clock
     * @param maxPendingKeys keys pending at once before new ones fold into overflow jobs
     * @param maxBatchPaths paths a root-wide job lists before it becomes an overflow job
     */
    public Coalescer(LiveRules rules, JobSink sink, LongSupplier nanoClock, int maxPendingKeys, int maxBatchPaths) {
        if (maxPendingKeys < 1 || maxBatchPaths < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.rules = rules;
        this.sink = sink;
        this.clock = nanoClock;
        this.maxPendingKeys = maxPendingKeys;
        this.maxBatchPaths = maxBatchPaths;
    }

    @Override
    public void onEvent(FsEvent event, long sequence, boolean endOfBatch) {
        if (!inBatch) {
            now = clock.getAsLong();
            inBatch = true;
        }
        switch (event.kind) {
            case Abi.KIND_EVENT:
                foldEvent(event);
                break;
            case Abi.KIND_OVERFLOW:
                if (event.root < 0) {
                    rules.current().allRules(matches);
                } else {
                    rules.current().rulesOn(event.root, matches);
                }
                foldOverflow(event);
                break;
            case Abi.KIND_RESCAN_BEGIN:
                rules.current().rulesOn(event.root, matches);
                foldOverflow(event);
                break;
            default:
                break;
        }
        if (endOfBatch) {
            inBatch = false;
            now = clock.getAsLong();
            releaseDue();
            deliverReady();
        }
    }

    @Override
    public void onTimeout(long sequence) {
        now = clock.getAsLong();
        releaseDue();
        deliverReady();
    }

    /** Everything pending is due now, settle windows or not. */
    @Override
    public void onShutdown() {
        now = clock.getAsLong();
        while (activeCount > 0) {
            CoalescingRule r = active[activeCount - 1];
            while (r.oldest() != null) {
                markReady(r.oldest());
            }
        }
        for (int waited = 0; readyHead != null && waited < SHUTDOWN_PATIENCE_MS; waited++) {
            deliverReady();
            if (readyHead != null) {
                LockSupport.parkNanos(1_000_000L);
            }
        }
    }

    /** Keys with a job not yet taken by the sink (open or due). */
    public int pendingKeys() {
        return windows.size();
    }

    /** Due jobs the sink has not taken yet. */
    public int readyJobs() {
        return readyCount;
    }

    public long jobsDelivered() {
        return delivered;
    }

    /** Times the sink said it was full. */
    public long offersRefused() {
        return refused;
    }

    /** Events folded into an overflow job because too many keys were pending. */
    public long eventsDegraded() {
        return degraded;
    }

    private void foldEvent(FsEvent e) {
        RuleIndex index = rules.current();
        index.match(e.root, e.dirBytes(), e.dirLength(), e.nameBytes(), e.nameLength(), e.mask, matches);
        int n = matches.size();
        if (n == 0) {
            return;
        }
        joinPath(e);
        for (int i = 0; i < n; i++) {
            Rule r = matches.get(i);
            if (r.grouping() == Grouping.PER_ROOT) {
                CoalescingWindow w = window(probe.pointAtRoot(r, CoalescerKey.ROOT));
                w.job.addPath(path, pathLength, pathHash, maxBatchPaths);
                fold(w, e.mask, e.cookie, e.flags, e.readNanos);
            } else {
                fold(window(probe.point(r, CoalescerKey.PATH, path, pathLength, pathHash)),
                        e.mask, e.cookie, e.flags, e.readNanos);
            }
        }
    }

    private void foldOverflow(FsEvent e) {
        for (int i = 0, n = matches.size(); i < n; i++) {
            Rule r = matches.get(i);
            CoalescingWindow w = window(overflowKey(r));
            w.job.markOverflow();
            fold(w, IN_Q_OVERFLOW, 0, e.flags, e.readNanos);
        }
    }

    private CoalescerKey overflowKey(Rule r) {
        return probe.pointAtRoot(r, r.grouping() == Grouping.PER_ROOT ? CoalescerKey.ROOT : CoalescerKey.OVERFLOW);
    }

    /** The window of the probed key, opened if new (or the rule's overflow window when there are too many). */
    private CoalescingWindow window(CoalescerKey key) {
        CoalescingWindow w = windows.get(key);
        if (w != null) {
            return w;
        }
        if (windows.size() >= maxPendingKeys && key.kind == CoalescerKey.PATH) {
            degraded++;
            w = window(overflowKey(key.rule));
            w.job.markOverflow();
            return w;
        }
        return open(key.copy());
    }

    private CoalescingWindow open(CoalescerKey key) {
        CoalescingRule owner = byRule.get(key.rule);
        if (owner == null) {
            owner = new CoalescingRule(key.rule);
            byRule.put(key.rule, owner);
            activate(owner);
        }
        Job job = key.kind == CoalescerKey.PATH
                ? Job.forPath(key.rule, key.bytes, dirLength, nameOffset)
                : Job.forRoot(key.rule, key.kind == CoalescerKey.ROOT, key.kind == CoalescerKey.OVERFLOW);
        CoalescingWindow w = new CoalescingWindow(key, owner, job, now);
        owner.add(w);
        windows.put(w);
        return w;
    }

    private void fold(CoalescingWindow w, int mask, int cookie, int flags, long readNanos) {
        w.job.add(mask, cookie, flags, readNanos);
        if (w.ready) {
            return;
        }
        w.lastNanos = now;
        int cap = w.owner.maxEvents;
        if (cap > 0 && w.job.eventCount() >= cap) {
            markReady(w);
            // Offered now, so the key's next event starts a new job instead of folding into this one
            // (it folds only while the sink is full).
            deliverReady();
        }
    }

    private void releaseDue() {
        int k = 0;
        while (k < activeCount) {
            CoalescingRule r = active[k];
            CoalescingWindow w;
            while ((w = r.due(now)) != null) {
                markReady(w);
            }
            // A rule whose last window left was swapped out of slot k: look at slot k again.
            if (active[k] == r) {
                k++;
            }
        }
    }

    private void markReady(CoalescingWindow w) {
        CoalescingRule owner = w.owner;
        owner.remove(w);
        if (owner.open == 0) {
            deactivate(owner);
        }
        w.ready = true;
        w.job.ready(now);
        if (readyTail == null) {
            readyHead = w;
        } else {
            readyTail.readyNext = w;
        }
        readyTail = w;
        readyCount++;
    }

    private void deliverReady() {
        while (readyHead != null) {
            CoalescingWindow w = readyHead;
            if (!sink.offer(w.job)) {
                refused++;
                return;
            }
            readyHead = w.readyNext;
            w.readyNext = null;
            if (readyHead == null) {
                readyTail = null;
            }
            readyCount--;
            windows.remove(w);
            delivered++;
        }
    }

    private void activate(CoalescingRule r) {
        if (activeCount == active.length) {
            active = Arrays.copyOf(active, activeCount * 2);
        }
        r.slot = activeCount;
        active[activeCount++] = r;
    }

    /** Forgotten once it has no open window, so rules dropped by a reload do not linger. */
    private void deactivate(CoalescingRule r) {
        CoalescingRule last = active[--activeCount];
        active[r.slot] = last;
        last.slot = r.slot;
        active[activeCount] = null;
        r.slot = -1;
        byRule.remove(r.rule);
    }

    /** dir + '/' + name into the path buffer, with its hash. */
    private void joinPath(FsEvent e) {
        int dl = e.dirLength();
        int nl = e.nameLength();
        byte[] dir = e.dirBytes();
        int sep = nl > 0 && (dl == 0 || dir[dl - 1] != '/') ? 1 : 0;
        int n = dl + sep + nl;
        if (path.length < n) {
            path = new byte[Integer.highestOneBit(n) << 1];
        }
        System.arraycopy(dir, 0, path, 0, dl);
        if (sep == 1) {
            path[dl] = '/';
        }
        System.arraycopy(e.nameBytes(), 0, path, dl + sep, nl);
        pathLength = n;
        dirLength = dl;
        nameOffset = dl + sep;
        pathHash = hash(path, n);
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * A path's hash, eight bytes per step: hashing byte by byte was a serial chain of a multiply
     * per byte, the largest single cost of folding an event into its window.
     */
    static int hash(byte[] b, int n) {
        long h = n;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            h = (h ^ (long) LONGS.get(b, i)) * 0x9E3779B97F4A7C15L;
            h ^= h >>> 31;
        }
        for (; i < n; i++) {
            h = (h ^ b[i]) * 0x100000001B3L;
        }
        h ^= h >>> 29;
        return (int) (h ^ (h >>> 32));
    }
}
