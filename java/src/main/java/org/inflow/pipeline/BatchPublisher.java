package org.inflow.pipeline;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;

import org.inflow.kernel.Abi;
import org.inflow.kernel.BatchSink;

/**
 * Copies each native batch into ring slots with one claim and one publish per chunk. Runs on the
 * native reader thread. When the consumers are so far behind that no room appears within the
 * patience limit, the batch is refused: the reader counts it lost and reconciles with a rescan,
 * and the next batch that gets through starts with an OVERFLOW event saying so.
 */
final class BatchPublisher implements BatchSink {
    private static final int CHUNK = 256;
    private static final long PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    private final RingBuffer<FsEvent> ring;
    private final ByteBuffer batch;
    private final long patienceNanos;
    /** A chunk and its OVERFLOW marker must fit the ring, however small it is configured. */
    private final int chunk;
    private boolean lost;

    BatchPublisher(RingBuffer<FsEvent> ring, ByteBuffer batch, long patienceNanos) {
        this.ring = ring;
        this.batch = batch;
        this.patienceNanos = patienceNanos;
        this.chunk = Math.max(1, Math.min(CHUNK, ring.getBufferSize() - 1));
    }

    @Override
    public int onBatch(int length, int count) {
        long now = System.nanoTime();
        int offset = 0;
        int left = count;
        while (left > 0) {
            int n = Math.min(left, chunk);
            int extra = lost ? 1 : 0;
            long hi = claim(n + extra, now);
            if (hi < 0) {
                lost = true;
                return Abi.SINK_FULL;
            }
            long seq = hi - (n + extra) + 1;
            long lo = seq;
            if (extra == 1) {
                ring.get(seq++).setLost(now);
                lost = false;
            }
            for (; seq <= hi; seq++) {
                offset = ring.get(seq).decode(batch, offset, now);
            }
            ring.publish(lo, hi);
            left -= n;
        }
        return Abi.SINK_OK;
    }

    /** The highest claimed sequence, or -1 if no room appeared in time. */
    private long claim(int n, long start) {
        for (;;) {
            try {
                return ring.tryNext(n);
            } catch (InsufficientCapacityException full) {
                if (System.nanoTime() - start > patienceNanos) {
                    return -1;
                }
                LockSupport.parkNanos(PARK_NANOS);
            }
        }
    }
}
