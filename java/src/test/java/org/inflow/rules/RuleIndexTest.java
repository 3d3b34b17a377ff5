package org.inflow.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.inflow.rules.InotifyMask.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class RuleIndexTest {

    private final RuleMatches out = new RuleMatches();

    static Rule.Builder rule(String root) {
        return Rule.builder(root).action(ActionSpec.print(Template.of("x")));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private List<Rule> match(RuleIndex index, int root, String dir, String name, int mask) {
        return match(index, root, b(dir), b(name), mask);
    }

    private List<Rule> match(RuleIndex index, int root, byte[] dir, byte[] name, int mask) {
        index.match(root, dir, dir.length, name, name.length, mask, out);
        List<Rule> found = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            found.add(out.get(i));
        }
        return found;
    }

    @Test
    void maskMustShareAnEventBit() {
        Rule writes = rule("/w").mask(IN_CLOSE_WRITE).build();
        Rule creates = rule("/w").mask(IN_CREATE).build();
        RuleIndex index = RuleIndex.builder().add(0, writes).add(0, creates).build();
        assertEquals(List.of(writes), match(index, 0, "/w", "f", IN_CLOSE_WRITE));
        assertEquals(List.of(creates), match(index, 0, "/w", "d", IN_CREATE | IN_ISDIR));
        assertEquals(List.of(), match(index, 0, "/w", "f", IN_MODIFY));
        // IN_ISDIR alone is no event
        assertEquals(List.of(), match(index, 0, "/w", "f", IN_ISDIR));
    }

    @Test
    void depthCountsDirectoriesBelowTheRoot() {
        Rule top = rule("/w").maxDepth(0).build();
        Rule two = rule("/w/").maxDepth(2).build();
        Rule all = rule("/w").recursive().build();
        RuleIndex index = RuleIndex.builder().add(0, top).add(0, two).add(0, all).build();
        assertEquals(List.of(top, two, all), match(index, 0, "/w", "f", IN_MODIFY));
        assertEquals(List.of(two, all), match(index, 0, "/w/a", "f", IN_MODIFY));
        assertEquals(List.of(two, all), match(index, 0, "/w/a/b", "f", IN_MODIFY));
        assertEquals(List.of(all), match(index, 0, "/w/a/b/c", "f", IN_MODIFY));
        // a sibling that shares the root's spelling as a prefix is not below it
        assertEquals(List.of(), match(index, 0, "/wx", "f", IN_MODIFY));
    }

    @Test
    void aRuleMayWatchASubtreeOfItsEngineRoot() {
        Rule sub = rule("/w/src").recursive().build();
        RuleIndex index = RuleIndex.builder().add(0, sub).build();
        assertEquals(List.of(sub), match(index, 0, "/w/src/x", "f", IN_MODIFY));
        assertEquals(List.of(), match(index, 0, "/w/doc", "f", IN_MODIFY));
        assertEquals(List.of(), match(index, 0, "/w", "src", IN_MODIFY));
    }

    @Test
    void slashAsRoot() {
        Rule r = rule("/").maxDepth(1).build();
        RuleIndex index = RuleIndex.builder().add(0, r).build();
        assertEquals(List.of(r), match(index, 0, "/", "etc", IN_MODIFY));
        assertEquals(List.of(r), match(index, 0, "/etc", "passwd", IN_MODIFY));
        assertEquals(List.of(), match(index, 0, "/etc/ssh", "sshd_config", IN_MODIFY));
    }

    @Test
    void dotPolicyIgnoresDotEntriesBelowTheRootOnly() {
        Rule dots = rule("/home/u/.config").recursive().dots(DotPolicy.IGNORE).build();
        Rule keeps = rule("/home/u/.config").recursive().build();
        RuleIndex index = RuleIndex.builder().add(0, dots).add(0, keeps).build();
        assertEquals(List.of(dots, keeps), match(index, 0, "/home/u/.config/app", "conf", IN_MODIFY));
        assertEquals(List.of(keeps), match(index, 0, "/home/u/.config/app", ".conf.swp", IN_MODIFY));
        assertEquals(List.of(keeps), match(index, 0, "/home/u/.config/.git/objects", "ab", IN_MODIFY));
        assertEquals(List.of(keeps), match(index, 0, "/home/u/.config/.git", "", IN_DELETE_SELF));
    }

    @Test
    void nameFiltersTestTheNameOrForADirectoryItselfItsLastComponent() {
        Rule c = rule("/w").recursive().names(PathFilter.glob("*.c", false)).build();
        Rule re = rule("/w").recursive().names(PathFilter.extendedRegex("^src$", false)).build();
        RuleIndex index = RuleIndex.builder().add(0, c).add(0, re).build();
        assertEquals(List.of(c), match(index, 0, "/w/src", "main.c", IN_MODIFY));
        assertEquals(List.of(re), match(index, 0, "/w", "src", IN_CREATE | IN_ISDIR));
        assertEquals(List.of(re), match(index, 0, "/w/src", "", IN_DELETE_SELF));
        assertEquals(List.of(), match(index, 0, "/w/src", "main.h", IN_MODIFY));
    }

    @Test
    void nonUtf8NamesReachFilters() {
        Rule log = rule("/w").names(PathFilter.glob("*.log", false)).build();
        Rule odd = rule("/w").names(PathFilter.extendedRegex("^.\\.", false)).build();
        RuleIndex index = RuleIndex.builder().add(0, log).add(0, odd).build();
        assertEquals(List.of(log, odd), match(index, 0, b("/w"), new byte[] {(byte) 0xe9, '.', 'l', 'o', 'g'}, IN_MODIFY));
    }

    @Test
    void excludesTestThePathBelowTheRootAndEverythingUnderIt() {
        Rule r = rule("/w").recursive()
                .exclude(PathFilter.glob("build", false))
                .exclude(PathFilter.glob("**.tmp", false))
                .exclude(PathFilter.extendedRegex("(^|/)node_modules$", false))
                .build();
        RuleIndex index = RuleIndex.builder().add(0, r).build();
        assertEquals(List.of(r), match(index, 0, "/w", "main.c", IN_MODIFY));
        assertEquals(List.of(), match(index, 0, "/w", "build", IN_CREATE | IN_ISDIR));
        assertEquals(List.of(), match(index, 0, "/w/build/obj", "x.o", IN_MODIFY));
        assertEquals(List.of(r), match(index, 0, "/w/src", "build", IN_MODIFY));
        assertEquals(List.of(), match(index, 0, "/w/a/b", "x.tmp", IN_MODIFY));
        assertEquals(List.of(), match(index, 0, "/w/app/node_modules/left-pad", "index.js", IN_MODIFY));
        // the root itself is never excluded
        assertEquals(List.of(r), match(index, 0, "/w", "", IN_DELETE_SELF));
    }

    @Test
    void eventsOfOtherRootsMeetNoRule() {
        Rule a = rule("/a").build();
        Rule b = rule("/b").build();
        RuleIndex index = RuleIndex.builder().add(0, a).add(3, b).build();
        assertEquals(List.of(a), match(index, 0, "/a", "f", IN_MODIFY));
        assertEquals(List.of(b), match(index, 3, "/b", "f", IN_MODIFY));
        assertEquals(List.of(), match(index, 1, "/a", "f", IN_MODIFY));
        assertEquals(List.of(), match(index, 9, "/a", "f", IN_MODIFY));
        assertEquals(List.of(), match(index, -1, "/a", "f", IN_MODIFY));
        index.rulesOn(3, out);
        assertEquals(1, out.size());
        index.allRules(out);
        assertEquals(2, out.size());
    }

    /** Counts how often the index asks it; delegates to a glob. */
    static final class CountingFilter extends PathFilter {
        final PathFilter inner;
        final AtomicInteger asked;

        CountingFilter(String glob, AtomicInteger asked) {
            this.inner = PathFilter.glob(glob, false);
            this.asked = asked;
        }

        @Override
        boolean matches(byte[] b, int off, int len, MatchScratch scratch) {
            asked.incrementAndGet();
            return inner.matches(b, off, len, scratch);
        }

        @Override
        IndexKeys indexKeys() {
            return inner.indexKeys();
        }
    }

    @Test
    void onlyCandidateRulesAreAsked() {
        AtomicInteger asked = new AtomicInteger();
        RuleIndex.Builder builder = RuleIndex.builder();
        List<Rule> byName = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Rule r = rule("/w").names(new CountingFilter("file-" + i + ".dat", asked)).build();
            byName.add(r);
            builder.add(0, r);
        }
        List<Rule> byExt = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Rule r = rule("/w").names(new CountingFilter("*.e" + i, asked)).build();
            byExt.add(r);
            builder.add(0, r);
        }
        Rule any = rule("/w").names(new CountingFilter("*", asked)).build();
        builder.add(0, any);
        RuleIndex index = builder.build();

        assertEquals(List.of(byName.get(417), any), match(index, 0, "/w", "file-417.dat", IN_MODIFY));
        assertEquals(2, asked.getAndSet(0));
        assertEquals(List.of(byExt.get(5), any), match(index, 0, "/w", "x.e5", IN_MODIFY));
        assertEquals(2, asked.getAndSet(0));
        // index keys fold case, so this is a candidate; the case-sensitive filter still says no
        assertEquals(List.of(any), match(index, 0, "/w", "x.E5", IN_MODIFY));
        assertEquals(2, asked.getAndSet(0));
        assertEquals(List.of(any), match(index, 0, "/w", "README", IN_MODIFY));
        assertEquals(1, asked.get());
    }

    @Test
    void resultsKeepIndexOrderWhateverListTheyCameFrom() {
        Rule ext = rule("/w").names(PathFilter.glob("*.c", false)).build();
        Rule always = rule("/w").build();
        Rule name = rule("/w").names(PathFilter.glob("main.c", false)).build();
        Rule both = rule("/w").names(PathFilter.anyOf(PathFilter.glob("main.c", false), PathFilter.glob("*.c", false))).build();
        RuleIndex index = RuleIndex.builder().add(0, ext).add(0, always).add(0, name).add(0, both).build();
        assertEquals(List.of(ext, always, name, both), match(index, 0, "/w", "main.c", IN_MODIFY));
        assertEquals(List.of(ext, always, both), match(index, 0, "/w", "util.c", IN_MODIFY));
    }

    @Test
    void copiesWithChangesLeaveTheOriginalAlone() {
        Rule a = rule("/a").build();
        Rule b = rule("/b").build();
        RuleIndex one = RuleIndex.EMPTY.with(0, a);
        RuleIndex two = one.with(1, b);
        assertEquals(List.of(a), one.rules());
        assertEquals(List.of(a, b), two.rules());
        assertEquals(1, two.rootOf(b));
        assertEquals(List.of(b), two.without(a).rules());
        assertEquals(List.of(a), two.withoutRoot(1).rules());
        assertThrows(IllegalArgumentException.class, () -> two.with(2, a));
    }
}
