package org.inflow.act;

/** Takes the lines a child writes when its output is captured (instead of the output logger). */
@FunctionalInterface
public interface OutputSink {
    /** @param line reused after the call returns: copy what you keep */
    void line(int pid, byte[] line, int length);

    /** A line of stderr, when stderr is captured on its own (CAPTURE_SPLIT, CAPTURE_STDERR). */
    default void errorLine(int pid, byte[] line, int length) {
        line(pid, line, length);
    }

    /** The pipe (each pipe, when stderr has its own) reached end of file: every process holding it has closed it or exited. */
    default void closed() {
    }
}
