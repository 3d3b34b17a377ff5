package org.inflow.kernel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One inotify instance and the native thread that drains it. Roots are added and removed while
 * it runs; batches arrive at the {@link BatchSink} given to {@link #start}, on the reader thread.
 */
public final class NativeEngine implements AutoCloseable {
    public static final int DEFAULT_BATCH_BYTES = 1 << 20;

    public static final int STAT_WATCHES = 0;
    public static final int STAT_NODES = 1;
    public static final int STAT_KERNEL_OVERFLOWS = 2;
    public static final int STAT_SINK_OVERFLOWS = 3;
    public static final int STAT_RESCANS = 4;
    public static final int STAT_UNWATCHED = 5;
    public static final int STAT_EVENTS_READ = 6;
    public static final int STAT_RECORDS_OUT = 7;
    public static final int STAT_BATCHES_OUT = 8;
    public static final int STAT_COUNT = 9;

    private long handle;
    private final ByteBuffer batch;

    public NativeEngine(int batchBytes, int readBytes, int moveWaitMs) throws IOException {
        NativeLoader.load();
        handle = create(batchBytes, readBytes, moveWaitMs, 0);
        batch = buffer(handle, batchBytes).order(ByteOrder.nativeOrder());
    }

    public NativeEngine() throws IOException {
        this(DEFAULT_BATCH_BYTES, 1 << 20, 0);
    }

    /** The buffer batches are encoded into; valid for the engine's life. */
    public ByteBuffer batchBuffer() {
        return batch;
    }

    /** @return the root id that events of this root carry */
    public int addRoot(byte[] path, int mask, int maxDepth, String exclude, String include, int opts) {
        return addRoot(handle, path, mask, maxDepth, exclude, include, opts);
    }

    public void removeRoot(int id) {
        removeRoot(handle, id);
    }

    /**
     * Widens a root to more events and/or more levels (-1: all); never narrows it. New levels
     * are watched and listed without events, as the initial crawl is.
     */
    public void updateRoot(int id, int mask, int maxDepth) {
        updateRoot(handle, id, mask, maxDepth);
    }

    public void start(BatchSink sink) throws IOException {
        start(handle, sink);
    }

    public long[] stats() {
        long[] out = new long[STAT_COUNT];
        stats(handle, out);
        return out;
    }

    /** Stops the reader thread (joining it) and releases every watch. */
    @Override
    public synchronized void close() {
        if (handle != 0) {
            destroy(handle);
            handle = 0;
        }
    }

    static native int abiVersion();

    private static native long create(int batchBytes, int readBytes, int moveWaitMs, int crawlSlice) throws IOException;

    private static native ByteBuffer buffer(long handle, int capacity);

    private static native int addRoot(long handle, byte[] path, int mask, int maxDepth, String exclude,
                                      String include, int opts);

    private static native void removeRoot(long handle, int id);

    private static native void updateRoot(long handle, int id, int mask, int maxDepth);

    private static native void start(long handle, BatchSink sink) throws IOException;

    private static native void stop(long handle);

    private static native void destroy(long handle);

    private static native void stats(long handle, long[] out);
}
