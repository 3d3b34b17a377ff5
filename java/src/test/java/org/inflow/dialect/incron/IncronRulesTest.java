package org.inflow.dialect.incron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import org.inflow.rules.Rule;
import org.inflow.rules.RuleReporter;
import org.inflow.rules.InotifyMask;
import org.junit.jupiter.api.Test;

/** How a table entry becomes a rule: options, flags, dot directories, globs. */
class IncronRulesTest {
    private static Rule rule(String line) {
        IncronTable t = IncronTable.parse("/t", (line + "\n").getBytes(StandardCharsets.UTF_8));
        IncronEntry e = t.entries().get(0);
        return IncronRules.compile(e, e.path(), "/t:1", IncronRules.Owner.system(), null, RuleReporter.SILENT);
    }

    @Test
    void optionsAndFlags() {
        Rule r = rule("/w IN_CREATE,IN_ONESHOT,IN_DONT_FOLLOW,IN_NO_LOOP,recursive=false cmd");
        assertEquals(InotifyMask.IN_CREATE, r.mask());
        assertTrue(r.oneshot());
        assertFalse(r.followRoot());
        assertTrue(r.noLoop());
        assertEquals(0, r.maxDepth());
        assertTrue(r.waitMissing());
        assertFalse(r.overflowRuns());
        assertEquals(1, r.maxEvents());
        Rule all = rule("/w IN_ALL_EVENTS,IN_Q_OVERFLOW cmd");
        assertEquals(Rule.UNLIMITED_DEPTH, all.maxDepth());
        assertTrue(all.overflowRuns());
        assertNull(rule("/w IN_CREATE,dotdirs=true cmd").watchExclude());
    }

    @Test
    void dotDirectoriesBelowTheRootOnly() {
        Pattern p = Pattern.compile(IncronRules.dotDirsBelow("/home/u/.config/app".getBytes(StandardCharsets.UTF_8)));
        assertTrue(p.matcher("/home/u/.config/app/.git/x").find());
        assertTrue(p.matcher("/home/u/.config/app/a/.hid/x").find());
        assertFalse(p.matcher("/home/u/.config/app/a/b").find());
        assertFalse(p.matcher("/home/u/.config/app/.dotfile").find(), "dot files are reported");
        assertFalse(p.matcher("/home/u/.config/app").find());
    }

    @Test
    void globsWatchTheirDirectory() {
        Rule r = rule("/w/*.txt IN_CLOSE_WRITE cmd $@");
        assertEquals("/w", new String(r.root(), StandardCharsets.UTF_8));
        assertTrue(r.names().matches("a.txt"));
        assertFalse(r.names().matches("a.dat"));
        assertFalse(r.names().matches(".a.txt"));
        assertThrows(IllegalArgumentException.class, () -> rule("/w/*/x IN_CREATE cmd"));
    }
}
