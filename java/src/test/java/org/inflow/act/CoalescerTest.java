package org.inflow.act;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.inflow.rules.InotifyMask.*;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.inflow.kernel.Abi;
import org.inflow.pipeline.FsEvent;
import org.inflow.rules.ActionSpec;
import org.inflow.rules.LiveRules;
import org.inflow.rules.Rule;
import org.inflow.rules.RuleIndex;
import org.inflow.rules.Template;

class CoalescerTest {

    long clock;
    long seq;
    boolean accepting = true;
    final List<Job> jobs = new ArrayList<>();
    final JobSink sink = job -> accepting && jobs.add(job);
    final FsEvent ev = new FsEvent();

    static Rule.Builder perPath(String root) {
        return Rule.builder(root).recursive().action(ActionSpec.print(Template.of("x")));
    }

    static Rule.Builder batch(String root) {
        return Rule.builder(root).recursive().action(ActionSpec.rsync(null, List.of("-a"), bytes(root),
                List.of(bytes("backup:/w"))));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static long ms(long millis) {
        return millis * 1_000_000L;
    }

    Coalescer coalescer(Rule... rules) {
        return coalescer(new LiveRules(RuleIndex.builder().addAll(0, List.of(rules)).build()), 1 << 18, 1 << 16);
    }

    Coalescer coalescer(LiveRules live, int maxKeys, int maxPaths) {
        return new Coalescer(live, sink, () -> clock, maxKeys, maxPaths);
    }

    void at(long millis) {
        clock = ms(millis);
    }

    void event(Coalescer c, String dir, String name, int mask, boolean endOfBatch) {
        ev.set(Abi.KIND_EVENT, 0, mask, 0, 0, bytes(dir), bytes(name));
        ev.readNanos = clock;
        c.onEvent(ev, seq++, endOfBatch);
    }

    void signal(Coalescer c, int kind, int root) {
        ev.set(kind, 0, kind == Abi.KIND_OVERFLOW ? IN_Q_OVERFLOW : 0, 0, root, new byte[0], new byte[0]);
        ev.readNanos = clock;
        c.onEvent(ev, seq++, true);
    }

    void tick(Coalescer c, long millis) {
        at(millis);
        c.onTimeout(seq);
    }

    static String path(Job j) {
        return new String(j.pathBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void settleFoldsABurstIntoOneJobPerKey() {
        Coalescer c = coalescer(perPath("/w").settle(Duration.ofMillis(10)).build());
        at(0);
        event(c, "/w", "a.txt", IN_CREATE, true);
        at(1);
        event(c, "/w", "a.txt", IN_MODIFY, false);
        event(c, "/w", "b.txt", IN_CREATE, true);
        at(2);
        event(c, "/w", "a.txt", IN_CLOSE_WRITE, true);
        tick(c, 5);
        assertEquals(0, jobs.size());
        tick(c, 11);
        assertEquals(List.of("/w/b.txt"), paths());
        tick(c, 12);
        assertEquals(List.of("/w/b.txt", "/w/a.txt"), paths());
        Job a = jobs.get(1);
        assertEquals(3, a.eventCount());
        assertEquals(3, a.keptEvents());
        assertEquals(IN_CREATE, a.eventMask(0));
        assertEquals(IN_MODIFY, a.eventMask(1));
        assertEquals(IN_CLOSE_WRITE, a.eventMask(2));
        assertEquals(IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE, a.mask());
        assertArrayEquals(bytes("/w"), a.dir());
        assertArrayEquals(bytes("a.txt"), a.name());
        assertEquals(0, a.firstReadNanos());
        assertEquals(ms(2), a.lastReadNanos());
        assertEquals(ms(12), a.readyNanos());
        assertFalse(a.overflow());
        assertTrue(a.paths().isEmpty());
        assertEquals(0, c.pendingKeys());
    }

    @Test
    void maxDelayCapsAConstantlyBusyKey() {
        Coalescer c = coalescer(perPath("/w").settle(Duration.ofMillis(10)).maxDelay(Duration.ofMillis(30)).build());
        for (long t = 0; t <= 60; t += 5) {
            at(t);
            event(c, "/w", "log", IN_MODIFY, true);
        }
        assertEquals(1, jobs.size());
        assertEquals(7, jobs.get(0).eventCount());
        assertEquals(ms(30), jobs.get(0).readyNanos());
        tick(c, 64);
        assertEquals(1, jobs.size());
        tick(c, 65);
        assertEquals(2, jobs.size());
        assertEquals(6, jobs.get(1).eventCount());
        assertEquals(ms(35), jobs.get(1).firstReadNanos());
    }

    @Test
    void maxEventsCapsAKeyWithinOneBatch() {
        Coalescer c = coalescer(perPath("/w").settle(Duration.ofSeconds(1)).maxEvents(3).build());
        for (int i = 0; i < 7; i++) {
            event(c, "/w", "f", 1 << i, i == 6);
            assertEquals((i + 1) / 3, jobs.size(), "a full key leaves at once, mid-batch");
        }
        assertEquals(2, jobs.size());
        assertEquals(0x7, jobs.get(0).mask());
        assertEquals(0x38, jobs.get(1).mask());
        assertEquals(1, c.pendingKeys());
        c.onShutdown();
        assertEquals(0x40, jobs.get(2).mask());
    }

    @Test
    void oneKeysJobsKeepTheirOrder() {
        Coalescer c = coalescer(perPath("/w").maxEvents(1).build());
        event(c, "/w", "a", 0x1, false);
        event(c, "/w", "b", 0x2, false);
        event(c, "/w", "a", 0x4, false);
        event(c, "/w", "b", 0x8, false);
        event(c, "/w", "a", 0x10, true);
        assertEquals(List.of("/w/a", "/w/b", "/w/a", "/w/b", "/w/a"), paths());
        int[] masks = jobs.stream().mapToInt(Job::mask).toArray();
        assertArrayEquals(new int[] {0x1, 0x2, 0x4, 0x8, 0x10}, masks);
    }

    @Test
    void noSettleMeansDueAtTheEndOfTheBatch() {
        Coalescer c = coalescer(perPath("/w").build());
        at(3);
        event(c, "/w", "a", IN_CREATE, false);
        event(c, "/w", "b", IN_CREATE, false);
        event(c, "/w", "a", IN_MODIFY, false);
        assertEquals(0, jobs.size());
        event(c, "/w", "c", IN_CREATE, true);
        assertEquals(List.of("/w/a", "/w/b", "/w/c"), paths(), "oldest first");
        assertEquals(2, jobs.get(0).eventCount());
        assertEquals(ms(3), jobs.get(0).readyNanos());
    }

    @Test
    void aBatchJobCollectsDistinctPathsInOrder() {
        Coalescer c = coalescer(batch("/w").settle(Duration.ofMillis(50)).build());
        event(c, "/w", "a", IN_CREATE, true);
        event(c, "/w/sub", "b", IN_CREATE, true);
        event(c, "/w", "a", IN_MODIFY, true);
        event(c, "/w", "c", IN_DELETE, true);
        event(c, "/w/sub", "", 0x400, true);
        tick(c, 50);
        assertEquals(1, jobs.size());
        Job j = jobs.get(0);
        assertEquals("/w", path(j));
        assertEquals(5, j.eventCount());
        List<String> changed = new ArrayList<>();
        for (byte[] p : j.paths()) {
            changed.add(new String(p, StandardCharsets.UTF_8));
        }
        assertEquals(List.of("/w/a", "/w/sub/b", "/w/c", "/w/sub"), changed);
    }

    @Test
    void aFullSinkLosesNothingAndHoldsOneJobPerKey() {
        Coalescer c = coalescer(perPath("/w").build());
        accepting = false;
        for (int round = 0; round < 100; round++) {
            for (int k = 0; k < 10; k++) {
                event(c, "/w", "f" + k, 1 << (round % 12), k == 9);
            }
            assertTrue(c.pendingKeys() <= 10);
        }
        assertEquals(0, jobs.size());
        assertEquals(10, c.readyJobs());
        assertTrue(c.offersRefused() >= 100);
        accepting = true;
        tick(c, 1);
        assertEquals(10, jobs.size());
        assertEquals(1000, jobs.stream().mapToInt(Job::eventCount).sum());
        assertEquals(0xfff, jobs.get(0).mask());
        assertEquals(0, c.pendingKeys());
        // afterwards a key starts a new job
        event(c, "/w", "f0", IN_CREATE, true);
        assertEquals(11, jobs.size());
        assertEquals(1, jobs.get(10).eventCount());
    }

    @Test
    void aRefusedJobIsOfferedAgainAtTheNextEventBatch() {
        Coalescer c = coalescer(perPath("/w").build());
        accepting = false;
        event(c, "/w", "a", IN_CREATE, true);
        accepting = true;
        event(c, "/w", "b", IN_CREATE, true);
        assertEquals(List.of("/w/a", "/w/b"), paths());
    }

    @Test
    void shutdownDeliversEverythingPending() {
        Coalescer c = coalescer(perPath("/w").settle(Duration.ofHours(1)).build(),
                batch("/w").settle(Duration.ofHours(1)).build());
        event(c, "/w", "a", IN_CREATE, true);
        event(c, "/w", "b", IN_CREATE, true);
        tick(c, 1000);
        assertEquals(0, jobs.size());
        c.onShutdown();
        assertEquals(List.of("/w", "/w/a", "/w/b"), pathsSorted());
        assertEquals(0, c.pendingKeys());
    }

    @Test
    void overflowsReachTheRulesOfTheirRootAsOverflowJobs() {
        Rule a = perPath("/a").build();
        Rule b = batch("/b").build();
        LiveRules live = new LiveRules(RuleIndex.builder().add(0, a).add(1, b).build());
        Coalescer c = coalescer(live, 1 << 18, 1 << 16);
        signal(c, Abi.KIND_OVERFLOW, -1);
        assertEquals(2, jobs.size());
        for (Job j : jobs) {
            assertTrue(j.overflow());
            assertEquals(IN_Q_OVERFLOW, j.mask());
            assertTrue(j.paths().isEmpty());
        }
        jobs.clear();
        signal(c, Abi.KIND_OVERFLOW, 0);
        assertEquals(1, jobs.size());
        assertEquals(a, jobs.get(0).rule());
        assertEquals("/a", path(jobs.get(0)));
        jobs.clear();
        signal(c, Abi.KIND_RESCAN_BEGIN, 1);
        assertEquals(1, jobs.size());
        assertEquals(b, jobs.get(0).rule());
        jobs.clear();
        signal(c, Abi.KIND_READY, 1);
        signal(c, Abi.KIND_RESCAN_END, 1);
        assertEquals(0, jobs.size());
    }

    @Test
    void anOverflowTurnsAPendingBatchIntoAWholeRootJob() {
        Rule b = batch("/b").settle(Duration.ofMillis(10)).build();
        Rule a = perPath("/b").settle(Duration.ofMillis(10)).build();
        Coalescer c = coalescer(b, a);
        event(c, "/b", "x", IN_CREATE, true);
        signal(c, Abi.KIND_OVERFLOW, -1);
        event(c, "/b", "y", IN_CREATE, true);
        tick(c, 10);
        Job batchJob = jobs.stream().filter(j -> j.rule() == b).findFirst().orElseThrow();
        assertTrue(batchJob.overflow());
        assertTrue(batchJob.paths().isEmpty());
        assertEquals(3, batchJob.eventCount());
        // the per-path rule keeps its paths apart from its overflow job
        List<Job> perPath = jobs.stream().filter(j -> j.rule() == a).collect(java.util.stream.Collectors.toList());
        assertEquals(3, perPath.size());
        assertEquals(1, perPath.stream().filter(Job::overflow).count());
        assertEquals(4, jobs.size());
    }

    @Test
    void tooManyPendingKeysFoldIntoAnOverflowJobOfTheRule() {
        Rule r = perPath("/w").settle(Duration.ofSeconds(1)).build();
        Coalescer c = coalescer(new LiveRules(RuleIndex.builder().add(0, r).build()), 4, 1 << 16);
        for (int i = 0; i < 10; i++) {
            event(c, "/w", "f" + i, IN_CREATE, true);
        }
        assertEquals(5, c.pendingKeys());
        assertEquals(6, c.eventsDegraded());
        c.onShutdown();
        assertEquals(5, jobs.size());
        Job overflow = jobs.stream().filter(Job::overflow).findFirst().orElseThrow();
        assertEquals(6, overflow.eventCount());
        assertEquals("/w", path(overflow));
    }

    @Test
    void tooManyPathsMakeABatchJobAWholeRootJob() {
        Coalescer c = coalescer(new LiveRules(RuleIndex.builder().add(0, batch("/w").settle(Duration.ofMillis(1))
                .build()).build()), 1 << 18, 3);
        for (int i = 0; i < 5; i++) {
            event(c, "/w", "f" + i, IN_CREATE, true);
        }
        tick(c, 1);
        assertEquals(1, jobs.size());
        assertTrue(jobs.get(0).overflow());
        assertTrue(jobs.get(0).paths().isEmpty());
        assertEquals(5, jobs.get(0).eventCount());
    }

    @Test
    void manyEventsOnOneKeyKeepTheFirstOnesAndTheNewest() {
        Coalescer c = coalescer(perPath("/w").settle(Duration.ofMillis(1)).build());
        for (int i = 0; i < 1000; i++) {
            ev.set(Abi.KIND_EVENT, 0, IN_MODIFY, i, 0, bytes("/w"), bytes("f"));
            c.onEvent(ev, seq++, true);
        }
        tick(c, 1);
        Job j = jobs.get(0);
        assertEquals(1000, j.eventCount());
        assertEquals(Job.KEPT_EVENTS, j.keptEvents());
        assertEquals(0, j.eventCookie(0));
        assertEquals(Job.KEPT_EVENTS - 2, j.eventCookie(Job.KEPT_EVENTS - 2));
        assertEquals(999, j.eventCookie(Job.KEPT_EVENTS - 1));
    }

    @Test
    void aReloadKeepsPendingJobsOfRemovedRulesAndRoutesNewEventsToNewRules() {
        Rule old = perPath("/w").settle(Duration.ofMillis(10)).build();
        Rule fresh = perPath("/w").settle(Duration.ofMillis(10)).build();
        LiveRules live = new LiveRules(RuleIndex.builder().add(0, old).build());
        Coalescer c = coalescer(live, 1 << 18, 1 << 16);
        event(c, "/w", "a", IN_CREATE, true);
        live.replace(RuleIndex.builder().add(0, fresh).build());
        event(c, "/w", "a", IN_MODIFY, true);
        tick(c, 10);
        assertEquals(2, jobs.size());
        assertEquals(old, jobs.get(0).rule());
        assertEquals(IN_CREATE, jobs.get(0).mask());
        assertEquals(fresh, jobs.get(1).rule());
        assertEquals(IN_MODIFY, jobs.get(1).mask());
    }

    @Test
    void oneEventMatchingSeveralRulesMakesAJobForEach() {
        Rule r1 = perPath("/w").build();
        Rule r2 = perPath("/w").build();
        Rule other = perPath("/w").mask(IN_DELETE).build();
        Coalescer c = coalescer(r1, r2, other);
        event(c, "/w", "a", IN_CREATE, true);
        assertEquals(2, jobs.size());
        assertEquals(r1, jobs.get(0).rule());
        assertEquals(r2, jobs.get(1).rule());
    }

    @Test
    void anEventOnTheRootDirectoryItselfIsKeyedByTheDirectory() {
        Coalescer c = coalescer(perPath("/w").build());
        event(c, "/w/d", "", 0x400, true);
        assertEquals("/w/d", path(jobs.get(0)));
        assertEquals(0, jobs.get(0).name().length);
        assertArrayEquals(bytes("/w/d"), jobs.get(0).dir());
    }

    private List<String> paths() {
        List<String> out = new ArrayList<>();
        for (Job j : jobs) {
            out.add(path(j));
        }
        return out;
    }

    private List<String> pathsSorted() {
        List<String> out = paths();
        out.sort(null);
        return out;
    }
}
