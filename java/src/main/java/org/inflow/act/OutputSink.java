package org.inflow.act;

/** Takes the lines a child writes when its output is captured (instead of the output logger). */
@FunctionalInterface
public interface OutputSink {
    /** @param line reused after the call returns: copy what you keep */
    void line(int pid, byte[] line, int length);

    /** The pipe reached end of file: every process holding it has closed it or exited. */
    default void closed() {
    }
}
