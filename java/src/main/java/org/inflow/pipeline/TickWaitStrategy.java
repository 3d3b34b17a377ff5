package org.inflow.pipeline;

import java.util.Arrays;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.util.Util;

/**
 * Blocks like Disruptor's TimeoutBlockingWaitStrategy (an idle stage gets onTimeout once per
 * tick), and {@link #wake()} gives every stage an onTimeout at once. A stage that waits on
 * something outside the ring, like a coalescer whose sink was full, is thus told when that
 * changed instead of finding out at its next tick, up to a whole tick later.
 * <p>
 * Each stage sees each wake-up once, even one that came while it was busy and not waiting:
 * it had already given up on its sink then, so it must still hear that the sink has room.
 */
final class TickWaitStrategy implements WaitStrategy {
    private final Object mutex = new Object();
    private final long tickNanos;

    // Under mutex:
    private long wakes;
    /** The stages that waited so far (by their barrier), and the wake-ups each has acted on. */
    private SequenceBarrier[] stages = new SequenceBarrier[4];
    private long[] seen = new long[4];
    private int stageCount;

    TickWaitStrategy(long tickNanos) {
        if (tickNanos <= 0) {
            throw new IllegalArgumentException("tick must be positive: " + tickNanos);
        }
        this.tickNanos = tickNanos;
    }

    @Override
    public long waitFor(long sequence, Sequence cursor, Sequence dependentSequence, SequenceBarrier barrier)
            throws AlertException, InterruptedException, TimeoutException {
        if (cursor.get() < sequence) {
            synchronized (mutex) {
                int me = stage(barrier);
                long left = tickNanos;
                while (cursor.get() < sequence) {
                    barrier.checkAlert();
                    if (seen[me] != wakes) {
                        seen[me] = wakes;
                        throw TimeoutException.INSTANCE;
                    }
                    left = Util.awaitNanos(mutex, left);
                    if (left <= 0) {
                        throw TimeoutException.INSTANCE;
                    }
                }
            }
        }
        // A later stage waits for the one before it only as long as that one takes per event.
        long available;
        while ((available = dependentSequence.get()) < sequence) {
            barrier.checkAlert();
            Thread.onSpinWait();
        }
        return available;
    }

    @Override
    public void signalAllWhenBlocking() {
        synchronized (mutex) {
            mutex.notifyAll();
        }
    }

    /** Every stage gets an onTimeout now, or right after the batch it is busy with. */
    void wake() {
        synchronized (mutex) {
            wakes++;
            mutex.notifyAll();
        }
    }

    /**
     * The stage's slot. A stage is met when it first waits, before its first event (or, if the
     * ring was never empty until then, later: a wake-up before that reaches it at its next tick).
     */
    private int stage(SequenceBarrier barrier) {
        for (int i = 0; i < stageCount; i++) {
            if (stages[i] == barrier) {
                return i;
            }
        }
        if (stageCount == stages.length) {
            stages = Arrays.copyOf(stages, stageCount * 2);
            seen = Arrays.copyOf(seen, stageCount * 2);
        }
        stages[stageCount] = barrier;
        seen[stageCount] = wakes;
        return stageCount++;
    }

    @Override
    public String toString() {
        return "TickWaitStrategy{tickNanos=" + tickNanos + "}";
    }
}
