package org.inflow.act;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.inflow.kernel.Abi;
import org.inflow.pipeline.FsEvent;
import org.inflow.rules.LiveRules;
import org.inflow.rules.PathFilter;
import org.inflow.rules.Rule;
import org.inflow.rules.RuleIndex;

class CoalescerAllocationTest {
    private long clock;

    @Test
    void eventsOfKeysThatAreAlreadyPendingAllocateNothing() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        assumeTrue(mx instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) mx;
        assumeTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);

        Rule perPath = CoalescerTest.perPath("/w").settle(Duration.ofHours(1)).build();
        Rule named = CoalescerTest.perPath("/w").names(PathFilter.glob("*.c", false))
                .exclude(PathFilter.glob("build", false)).settle(Duration.ofHours(1)).build();
        Rule regex = CoalescerTest.perPath("/w").names(PathFilter.extendedRegex("^f[0-9]+\\.c$", false))
                .settle(Duration.ofHours(1)).build();
        Rule batch = CoalescerTest.batch("/w").settle(Duration.ofHours(1)).build();
        LiveRules live = new LiveRules(RuleIndex.builder().addAll(0, List.of(perPath, named, regex, batch)).build());
        Coalescer c = new Coalescer(live, job -> true, () -> clock, 1 << 18, 1 << 16);

        FsEvent[] events = new FsEvent[16];
        for (int i = 0; i < events.length; i++) {
            events[i] = new FsEvent();
            events[i].set(Abi.KIND_EVENT, 0, 0x2, 0, 0, "/w/src/deep".getBytes(StandardCharsets.UTF_8),
                    ("f" + i + ".c").getBytes(StandardCharsets.UTF_8));
        }
        long seq = 0;
        // Every key opens, its kept-event arrays grow to their cap, and the code gets warm.
        for (int round = 0; round < 20_000; round++) {
            FsEvent e = events[round % events.length];
            c.onEvent(e, seq++, round % 64 == 63);
            clock += 1000;
        }
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        int n = 200_000;
        for (int round = 0; round < n; round++) {
            FsEvent e = events[round % events.length];
            c.onEvent(e, seq++, round % 64 == 63);
            clock += 1000;
            if (round % 1000 == 999) {
                c.onTimeout(seq);
            }
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertEquals(16 * 3 + 1, c.pendingKeys());
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes for " + n + " events");
    }
}
