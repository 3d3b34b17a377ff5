package org.inflow.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

class LiveRulesTest {
    @Test
    void aMatcherSeesAWholeOldOrAWholeNewIndexDuringReloads() throws Exception {
        Rule a1 = RuleIndexTest.rule("/w").build();
        Rule a2 = RuleIndexTest.rule("/w").build();
        Rule b1 = RuleIndexTest.rule("/w").build();
        Rule b2 = RuleIndexTest.rule("/w").build();
        Rule b3 = RuleIndexTest.rule("/w").build();
        RuleIndex a = RuleIndex.builder().add(0, a1).add(0, a2).build();
        RuleIndex b = RuleIndex.builder().add(0, b1).add(0, b2).add(0, b3).build();
        LiveRules live = new LiveRules(a);
        AtomicBoolean stop = new AtomicBoolean();
        Thread reloader = new Thread(() -> {
            boolean toB = true;
            while (!stop.get()) {
                live.replace(toB ? b : a);
                toB = !toB;
            }
        });
        reloader.start();
        AtomicReference<String> mixed = new AtomicReference<>();
        RuleMatches out = new RuleMatches();
        byte[] dir = "/w".getBytes(StandardCharsets.UTF_8);
        byte[] name = "f".getBytes(StandardCharsets.UTF_8);
        int sawA = 0;
        int sawB = 0;
        long end = System.nanoTime() + 300_000_000L;
        try {
            while (System.nanoTime() < end || sawA == 0 || sawB == 0) {
                live.current().match(0, dir, dir.length, name, name.length, 0x2, out);
                if (out.size() == 2 && out.get(0) == a1 && out.get(1) == a2) {
                    sawA++;
                } else if (out.size() == 3 && out.get(0) == b1 && out.get(1) == b2 && out.get(2) == b3) {
                    sawB++;
                } else {
                    mixed.set("size " + out.size());
                    break;
                }
            }
        } finally {
            stop.set(true);
            reloader.join();
        }
        assertEquals(null, mixed.get());
        assertTrue(sawA > 0 && sawB > 0);
    }

    @Test
    void updatesFromSeveralThreadsAllLand() throws Exception {
        LiveRules live = new LiveRules();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int root = t;
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 50; i++) {
                    Rule r = RuleIndexTest.rule("/r" + root).build();
                    live.update(index -> index.with(root, r));
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(200, live.current().size());
    }
}
