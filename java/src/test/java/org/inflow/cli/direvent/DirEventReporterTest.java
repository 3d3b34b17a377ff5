package org.inflow.cli.direvent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.inflow.dialect.direvent.ConfigReader;
import org.inflow.dialect.direvent.DirEventConfig;
import org.inflow.dialect.direvent.Handler;
import org.inflow.dialect.direvent.RuleCompiler;
import org.inflow.rules.RuleReporter.RootState;
import org.junit.jupiter.api.Test;

/** What direvent's log says about a path's life: sentinels, deletion, overflow. */
class DirEventReporterTest {
    private final List<String> lines = new ArrayList<>();
    private final List<Handler> appeared = new ArrayList<>();

    private DirEventReporter reporter(String path, Map<String, byte[]> waiting) {
        DirEventConfig c = new ConfigReader(List.of()).read("x.conf", "watcher { path " + path + "; command \"/bin/true\"; }\n");
        List<DirEventReporter> made = new ArrayList<>();
        new RuleCompiler(null, Map.of()).compile(c, h -> {
            DirEventReporter r = new DirEventReporter(h, new DirEventLog((p, m) -> lines.add(DirEventLog.SEVERITY[p] + " " + m), 0),
                    waiting, appeared::add);
            made.add(r);
            return r;
        });
        return made.get(0);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void sentinelNoticesInnermostFirstOncePerWaitAndForEachLevelLostLater() {
        Map<String, byte[]> waiting = DirEventReporter.sharedWaiting();
        DirEventReporter r = reporter("/nx/a/b", waiting);
        DirEventReporter twin = reporter("/nx/a/b", waiting);
        r.root(null, RootState.WAITING, b("/nx"), null);
        twin.root(null, RootState.WAITING, b("/nx"), null);
        r.root(null, RootState.WAITING, b("/nx/a"), null); // a level appeared: nothing to say
        r.root(null, RootState.WAITING, b("/"), null);      // and /nx went too
        assertEquals(List.of("NOTICE installing CREATE sentinel for /nx/a/b", "NOTICE installing CREATE sentinel for /nx/a",
                "NOTICE installing CREATE sentinel for /nx"), lines);
        r.root(null, RootState.ARMED, b("/nx/a/b"), null);
        assertEquals(1, appeared.size());
        lines.clear();
        r.root(null, RootState.GONE, b("/nx/a/b"), null);
        r.root(null, RootState.OVERFLOW, b(""), null);
        assertEquals(List.of("NOTICE /nx/a/b deleted", "WARNING /nx/a/b: event queue overflow, events lost; rescanning"), lines);
    }

    @Test
    void anArmedStateReplayedToANewRuleRunsNothing() {
        DirEventReporter r = reporter("/w", DirEventReporter.sharedWaiting());
        r.root(null, RootState.ARMED, b("/w"), null);
        assertEquals(List.of(), appeared);
    }
}
