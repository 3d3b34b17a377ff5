package org.inflow.cli;

/**
 * A JVM that does nothing: the baseline that memory figures of inflow are measured against
 * (bin/inflow --jvm-idle starts it with the same flags as inflow itself).
 */
public final class IdleMain {
    private IdleMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.err.println("idle");
        Thread.sleep(Long.MAX_VALUE);
    }
}
