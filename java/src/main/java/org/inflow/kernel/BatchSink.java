package org.inflow.kernel;

/**
 * Receives each batch the native reader produced: {@code count} records in the first
 * {@code length} bytes of the engine's batch buffer. Called on the reader thread, once per batch.
 */
public interface BatchSink {
    /** @return {@link Abi#SINK_OK}, or {@link Abi#SINK_FULL} if the records could not be taken */
    int onBatch(int length, int count);
}
