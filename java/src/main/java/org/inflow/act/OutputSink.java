package org.inflow.act;

/** Takes the lines a child writes when its output is captured (instead of the output logger). */
@FunctionalInterface
public interface OutputSink {
    /** @param line reused after the call returns: copy what you keep */
    void line(int pid, byte[] line, int length);
}
