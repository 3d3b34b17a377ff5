package org.inflow.pipeline;

import java.io.IOException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.EventHandlerGroup;
import com.lmax.disruptor.dsl.ProducerType;

import org.inflow.kernel.NativeEngine;
import org.inflow.kernel.Posix;

/**
 * The native engine feeding a Disruptor ring, and the chain of consumer stages behind it.
 * Stages are plain Disruptor {@link EventHandler}s run in the order given, each on its own
 * thread; a stage that needs a clock (settling) asks for a tick and gets
 * {@link EventHandler#onTimeout} calls at that period when the ring is idle.
 */
public final class EventPipeline implements AutoCloseable {
    private final NativeEngine engine;
    private final Disruptor<FsEvent> disruptor;
    /** null without a tick: then no stage waits for anything but events. */
    private final TickWaitStrategy ticks;
    private boolean started;

    private EventPipeline(Builder b) throws IOException {
        engine = new NativeEngine();
        ticks = b.tickMillis > 0 ? new TickWaitStrategy(TimeUnit.MILLISECONDS.toNanos(b.tickMillis)) : null;
        WaitStrategy wait = ticks != null ? ticks : new BlockingWaitStrategy();
        ThreadFactory threads = r -> {
            Thread t = new Thread(Posix.withShortSlice(r), "inflow-stage");
            t.setDaemon(true);
            return t;
        };
        disruptor = new Disruptor<>(FsEvent::new, b.ringSize, threads, ProducerType.SINGLE, wait);
        EventHandlerGroup<FsEvent> group = null;
        for (EventHandler<FsEvent> stage : b.stages) {
            group = group == null ? disruptor.handleEventsWith(stage) : group.then(stage);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts the consumers, then the native reader. Roots may be added before or after. */
    public synchronized void start() throws IOException {
        if (started) {
            return;
        }
        disruptor.start();
        engine.start(new BatchPublisher(disruptor.getRingBuffer(), engine.batchBuffer(),
                TimeUnit.MILLISECONDS.toNanos(Long.getLong("inflow.ring.patience.ms", 250))));
        started = true;
    }

    public NativeEngine engine() {
        return engine;
    }

    /**
     * Gives every stage an onTimeout now rather than at its next tick (from any thread; a no-op
     * without a tick). For a stage waiting on something outside the ring: a coalescer whose
     * sink has room again.
     */
    public void wake() {
        if (ticks != null) {
            ticks.wake();
        }
    }

    /** Stops reading, lets the stages finish what was published, releases every watch. */
    @Override
    public synchronized void close() {
        engine.close();
        if (started) {
            try {
                disruptor.shutdown(2, TimeUnit.SECONDS);
            } catch (com.lmax.disruptor.TimeoutException e) {
                disruptor.halt();
            }
        }
    }

    public static final class Builder {
        private int ringSize = Integer.getInteger("inflow.ring.size", 4096);
        private long tickMillis;
        private final java.util.List<EventHandler<FsEvent>> stages = new java.util.ArrayList<>();

        public Builder ringSize(int slots) {
            if (Integer.bitCount(slots) != 1) {
                throw new IllegalArgumentException("ring size must be a power of two: " + slots);
            }
            ringSize = slots;
            return this;
        }

        /** Idle stages get onTimeout at this period (0: never). */
        public Builder tickMillis(long millis) {
            tickMillis = millis;
            return this;
        }

        public Builder then(EventHandler<FsEvent> stage) {
            stages.add(stage);
            return this;
        }

        public EventPipeline build() throws IOException {
            if (stages.isEmpty()) {
                throw new IllegalStateException("a pipeline needs at least one stage");
            }
            return new EventPipeline(this);
        }
    }
}
