package org.inflow.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** How a watch run ends: the first exit code given wins; -t counts time since the last event. */
final class ExitSignal {
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile int code;
    private volatile long lastEventNanos = System.nanoTime();

    void finish(int exitCode) {
        synchronized (this) {
            if (done.getCount() == 0) {
                return;
            }
            code = exitCode;
        }
        done.countDown();
    }

    void sawEvent() {
        lastEventNanos = System.nanoTime();
    }

    /** Waits for an exit code; with idleSeconds > 0, returns 2 after that long without events. */
    int await(long idleSeconds) throws InterruptedException {
        if (idleSeconds <= 0) {
            done.await();
            return code;
        }
        long idle = TimeUnit.SECONDS.toNanos(idleSeconds);
        for (;;) {
            long left = lastEventNanos + idle - System.nanoTime();
            if (left <= 0) {
                finish(2);
                return code;
            }
            if (done.await(left, TimeUnit.NANOSECONDS)) {
                return code;
            }
        }
    }
}
