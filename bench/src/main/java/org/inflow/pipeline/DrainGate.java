package org.inflow.pipeline;

import java.util.concurrent.locks.LockSupport;

import org.inflow.kernel.BatchSink;

/**
 * Holds the native reader inside its upcall while closed, so that everything written meanwhile
 * piles up in the kernel's inotify queue: the state of a daemon that fell behind, or of one that
 * is started on a busy tree. Opening it lets the reader drain the queue at full speed.
 */
final class DrainGate implements BatchSink {
    private final BatchSink next;
    private volatile boolean closed;
    private volatile Thread held;

    DrainGate(BatchSink next) {
        this.next = next;
    }

    void close() {
        closed = true;
    }

    /** True once the reader is parked here (it had a batch to hand over after close()). */
    boolean holding() {
        return held != null;
    }

    void open() {
        closed = false;
        Thread t = held;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public int onBatch(int length, int count) {
        if (closed) {
            held = Thread.currentThread();
            while (closed) {
                LockSupport.park(this);
            }
            held = null;
        }
        return next.onBatch(length, count);
    }
}
