package org.inflow.act;

/**
 * Takes due jobs from the coalescer. It must never block: a sink that is full refuses, and the
 * coalescer keeps the job (folding later events of its key into it) and offers it again at the
 * next batch or tick.
 */
@FunctionalInterface
public interface JobSink {
    /** @return true when the job was taken (it is then the sink's); false when full */
    boolean offer(Job job);
}
