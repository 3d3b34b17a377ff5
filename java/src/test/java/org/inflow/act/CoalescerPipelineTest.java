package org.inflow.act;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.TimeoutBlockingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import org.junit.jupiter.api.Test;

import org.inflow.kernel.Abi;
import org.inflow.pipeline.FsEvent;
import org.inflow.rules.LiveRules;
import org.inflow.rules.Rule;
import org.inflow.rules.RuleIndex;

/** The coalescer as a real ring stage: idle ticks, not events, bring a settled key's job. */
class CoalescerPipelineTest {
    @Test
    void idleTicksReleaseSettledJobsAndShutdownFlushes() throws Exception {
        Rule settles = CoalescerTest.perPath("/w").settle(Duration.ofMillis(30)).build();
        Rule forever = CoalescerTest.perPath("/w").settle(Duration.ofHours(1)).build();
        LinkedBlockingQueue<Job> jobs = new LinkedBlockingQueue<>();
        Coalescer coalescer = new Coalescer(new LiveRules(RuleIndex.builder().addAll(0, List.of(settles, forever)).build()),
                jobs::offer);
        Disruptor<FsEvent> disruptor = new Disruptor<>(FsEvent::new, 64, r -> new Thread(r, "coalescer-test"),
                ProducerType.SINGLE, new TimeoutBlockingWaitStrategy(5, TimeUnit.MILLISECONDS));
        disruptor.handleEventsWith(coalescer);
        RingBuffer<FsEvent> ring = disruptor.start();
        long published = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            long seq = ring.next();
            FsEvent e = ring.get(seq);
            e.set(Abi.KIND_EVENT, 0, 0x2, 0, 0, "/w".getBytes(StandardCharsets.UTF_8), "f".getBytes(StandardCharsets.UTF_8));
            e.readNanos = System.nanoTime();
            ring.publish(seq);
        }
        Job first = jobs.poll(5, TimeUnit.SECONDS);
        long waited = System.nanoTime() - published;
        assertEquals(settles, first.rule());
        assertEquals(3, first.eventCount());
        assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(30), "released after " + waited + " ns");
        assertTrue(first.readyNanos() - first.lastReadNanos() >= TimeUnit.MILLISECONDS.toNanos(30));
        disruptor.shutdown(5, TimeUnit.SECONDS);
        Job flushed = jobs.poll(5, TimeUnit.SECONDS);
        assertEquals(forever, flushed.rule());
        assertEquals(3, flushed.eventCount());
    }
}
