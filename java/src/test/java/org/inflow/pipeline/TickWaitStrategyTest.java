package org.inflow.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import org.junit.jupiter.api.Test;

/** wake(): every stage gets an onTimeout now, not a tick later; one busy at the time right after. */
class TickWaitStrategyTest {
    /** Counts onTimeout calls; the first event blocks until released. */
    static final class Stage implements EventHandler<FsEvent> {
        final Semaphore timeouts = new Semaphore(0);
        final CountDownLatch inEvent = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final boolean blocks;

        Stage(boolean blocks) {
            this.blocks = blocks;
        }

        @Override
        public void onEvent(FsEvent event, long sequence, boolean endOfBatch) throws Exception {
            if (blocks) {
                inEvent.countDown();
                release.await();
            }
        }

        @Override
        public void onTimeout(long sequence) {
            timeouts.release();
        }
    }

    private static Disruptor<FsEvent> ring(TickWaitStrategy wait, Stage first, Stage second) {
        Disruptor<FsEvent> d = new Disruptor<>(FsEvent::new, 16, r -> new Thread(r, "tick-test"), ProducerType.SINGLE,
                wait);
        d.handleEventsWith(first).then(second);
        return d;
    }

    @Test
    void wakeGivesEveryIdleStageAnOnTimeoutAtOnce() throws Exception {
        TickWaitStrategy wait = new TickWaitStrategy(TimeUnit.HOURS.toNanos(1));
        Stage a = new Stage(false);
        Stage b = new Stage(false);
        Disruptor<FsEvent> d = ring(wait, a, b);
        d.start();
        try {
            Thread.sleep(100); // both waiting
            assertEquals(0, a.timeouts.availablePermits() + b.timeouts.availablePermits());
            for (int i = 1; i <= 3; i++) {
                wait.wake();
                assertTrue(a.timeouts.tryAcquire(5, TimeUnit.SECONDS), "first stage, wake-up " + i);
                assertTrue(b.timeouts.tryAcquire(5, TimeUnit.SECONDS), "second stage, wake-up " + i);
            }
            Thread.sleep(100);
            assertEquals(0, a.timeouts.availablePermits() + b.timeouts.availablePermits(), "one onTimeout per wake-up");
        } finally {
            d.halt();
        }
    }

    @Test
    void aWakeUpWhileBusyArrivesAfterTheBatch() throws Exception {
        TickWaitStrategy wait = new TickWaitStrategy(TimeUnit.HOURS.toNanos(1));
        Stage busy = new Stage(true);
        Stage after = new Stage(false);
        Disruptor<FsEvent> d = ring(wait, busy, after);
        RingBuffer<FsEvent> rb = d.start();
        try {
            Thread.sleep(100);
            rb.publish(rb.next());
            assertTrue(busy.inEvent.await(5, TimeUnit.SECONDS));
            wait.wake(); // while neither stage is waiting for the ring (the second waits for the first)
            Thread.sleep(100);
            busy.release.countDown();
            assertTrue(busy.timeouts.tryAcquire(5, TimeUnit.SECONDS), "the busy stage once it waits again");
            assertTrue(after.timeouts.tryAcquire(5, TimeUnit.SECONDS), "the stage behind it too");
        } finally {
            d.halt();
        }
    }
}
