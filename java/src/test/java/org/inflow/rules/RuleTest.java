package org.inflow.rules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class RuleTest {
    private static final ActionSpec ECHO = ActionSpec.argv(List.of(Template.of("echo"),
            Template.builder().field(Template.Source.PATH).build()));

    @Test
    void defaultsAreTheRootOnlyEveryEventNoPacing() {
        Rule r = Rule.builder("/srv/in/").action(ECHO).build();
        assertArrayEquals("/srv/in".getBytes(StandardCharsets.UTF_8), r.root());
        assertEquals(0, r.maxDepth());
        assertEquals(0xfff, r.mask());
        assertNull(r.names());
        assertTrue(r.excludes().isEmpty());
        assertEquals(DotPolicy.INCLUDE, r.dots());
        assertEquals(Grouping.PER_PATH, r.grouping());
        assertNull(r.user());
        assertTrue(r.env().inheritsAll());
        assertEquals(CwdPolicy.Kind.DAEMON, r.cwd().kind());
        assertEquals(StdioPolicy.DEV_NULL, r.stdio());
        assertEquals(Duration.ZERO, r.timeout());
        assertEquals(0, r.settleNanos());
        assertEquals(0, r.maxDelayNanos());
        assertEquals(0, r.maxEvents());
        assertEquals(0, r.maxRunning());
        assertFalse(r.serial() || r.noLoop() || r.oneshot());
    }

    @Test
    void everythingSetIsKept() {
        EnvPolicy env = EnvPolicy.clear().keep("PATH").unset("LD_PRELOAD")
                .set("WATCHED", Template.builder().field(Template.Source.DIR).build());
        Rule r = Rule.builder("/w").origin("/etc/x.conf:7").recursive().mask(0x8).dots(DotPolicy.IGNORE)
                .action(ECHO).user("www").env(env).cwd(CwdPolicy.fixed("/tmp".getBytes(StandardCharsets.UTF_8)))
                .stdio(StdioPolicy.LOG_LINES).timeout(Duration.ofSeconds(5)).serial(true).noLoop(true).oneshot(true)
                .settle(Duration.ofMillis(200)).maxDelay(Duration.ofSeconds(2)).maxEvents(100).maxRunning(3).build();
        assertEquals("/etc/x.conf:7", r.toString());
        assertEquals(-1, r.maxDepth());
        assertEquals("www", r.user());
        assertEquals(List.of("PATH"), r.env().kept());
        assertEquals(List.of("LD_PRELOAD"), r.env().removed());
        assertEquals(1, r.env().assigned().size());
        assertFalse(r.env().inheritsAll());
        assertEquals(200_000_000L, r.settleNanos());
        assertEquals(2_000_000_000L, r.maxDelayNanos());
        assertEquals(100, r.maxEvents());
        assertEquals(3, r.maxRunning());
        assertTrue(r.serial() && r.noLoop() && r.oneshot());
    }

    @Test
    void rsyncJobsCoverTheRootUnlessTheRuleSaysOtherwise() {
        ActionSpec rsync = ActionSpec.rsync(null, List.of("-a"), "/w".getBytes(StandardCharsets.UTF_8),
                List.of("host:/backup".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Grouping.PER_ROOT, Rule.builder("/w").action(rsync).build().grouping());
        assertEquals(Grouping.PER_PATH, Rule.builder("/w").action(rsync).grouping(Grouping.PER_PATH).build().grouping());
        assertEquals("rsync", ((ActionSpec.RsyncBatch) rsync).program());
    }

    @Test
    void nonsenseIsRefusedWhereItIsSaid() {
        assertThrows(IllegalArgumentException.class, () -> Rule.builder(""));
        assertThrows(IllegalArgumentException.class, () -> Rule.builder("/w").maxDepth(-2));
        assertThrows(IllegalArgumentException.class, () -> Rule.builder("/w").settle(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> Rule.builder("/w").maxEvents(-1));
        assertThrows(IllegalStateException.class, () -> Rule.builder("/w").build());
        assertThrows(IllegalStateException.class, () -> Rule.builder("/w").action(ECHO).mask(0).build());
        assertThrows(IllegalArgumentException.class, () -> EnvPolicy.inherit().unset("A=B"));
        assertThrows(IllegalArgumentException.class, () -> ActionSpec.argv(List.of()));
        assertThrows(IllegalArgumentException.class, () -> RuleSet.of(List.of(), -1));
    }

    @Test
    void templatesMergeTextAndKeepFields() {
        Template t = Template.builder().text("cp ").field(Template.Source.PATH).text(" /b").text("ak/")
                .mask(Integer::toString).build();
        assertEquals(4, t.parts().size());
        assertEquals("cp {PATH} /bak/{mask}", t.toString());
        assertFalse(t.isConstant());
        assertTrue(Template.of("x").isConstant());
        assertEquals("8", ((Template.Mask) t.parts().get(3)).render(8));
    }

    @Test
    void ruleSetsCarryTheGlobalCap() {
        Rule r = Rule.builder("/w").action(ECHO).build();
        RuleSet set = RuleSet.of(List.of(r), 8);
        assertEquals(List.of(r), set.rules());
        assertEquals(8, set.maxRunning());
    }
}
