package org.inflow.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.inflow.rules.InotifyMask;
import org.inflow.rules.ActionSpec;
import org.inflow.rules.Rule;
import org.inflow.rules.RuleReporter;
import org.inflow.rules.StdioPolicy;
import org.inflow.rules.Template;

class RuleHostTest {
    @TempDir
    Path dir;

    /** Records what the host reports, as lines: "ready", "started TAG", "exit TAG CODE", "out TAG LINE". */
    static final class Recorder implements RuleReporter {
        final LinkedBlockingQueue<String> seen = new LinkedBlockingQueue<>();
        final String tag;

        Recorder(String tag) {
            this.tag = tag;
        }

        @Override
        public void root(Rule rule, RootState state, byte[] path, String detail) {
            seen.add(state.name().toLowerCase() + " " + tag);
        }

        @Override
        public void exited(Rule rule, int pid, int exitCode, int signal, boolean timedOut, long nanos) {
            seen.add("exit " + tag + " " + exitCode);
        }

        @Override
        public void output(Rule rule, int pid, boolean stderr, byte[] line, int length) {
            seen.add("out " + tag + " " + new String(line, 0, length, StandardCharsets.UTF_8));
        }

        String next() throws InterruptedException {
            String s = seen.poll(10, TimeUnit.SECONDS);
            return s == null ? "(nothing)" : s;
        }
    }

    private Rule echo(Recorder r, String word) {
        return Rule.builder(dir.toString())
                .mask(InotifyMask.IN_CLOSE_WRITE)
                .action(ActionSpec.argv(List.of(Template.of("/bin/echo"), Template.of(word),
                        Template.builder().field(Template.Source.NAME).build())))
                .stdio(StdioPolicy.LOG_LINES)
                .reporter(r)
                .build();
    }

    @Test
    void runsReportsAndReloadsWithoutOverlap() throws Exception {
        Recorder a = new Recorder("a");
        Recorder b = new Recorder("b");
        try (RuleHost host = new RuleHost(0)) {
            host.install("table", List.of(echo(a, "one")));
            host.start();
            assertTrue(host.awaitSettled(10_000));
            assertEquals("ready a", a.next());
            Files.writeString(dir.resolve("f1"), "x");
            assertEquals("out a one f1", a.next());
            assertEquals("exit a 0", a.next());

            host.install("table", List.of(echo(b, "two")));
            assertEquals("ready b", b.next()); // the same watches: ready at once
            Files.writeString(dir.resolve("f2"), "x");
            assertEquals("out b two f2", b.next());
            assertEquals("exit b 0", b.next());
            assertEquals(null, a.seen.poll(200, TimeUnit.MILLISECONDS));

            host.uninstall("table");
            assertEquals(List.of(), host.rules("table"));
        }
    }

    @Test
    void rulesOfOneSourceForDifferentEventsOnOneTreeAllFire() throws Exception {
        Recorder w = new Recorder("w");
        Recorder d = new Recorder("d");
        Rule deleted = Rule.builder(dir.toString()).mask(InotifyMask.IN_DELETE)
                .action(ActionSpec.argv(List.of(Template.of("/bin/echo"), Template.of("gone"),
                        Template.builder().field(Template.Source.NAME).build())))
                .stdio(StdioPolicy.LOG_LINES).reporter(d).build();
        try (RuleHost host = new RuleHost(0)) {
            host.install("t", List.of(echo(w, "written"), deleted));
            host.start();
            assertTrue(host.awaitSettled(10_000));
            assertEquals("ready w", w.next());
            assertEquals("ready d", d.next());
            Files.writeString(dir.resolve("f"), "x");
            assertEquals("out w written f", w.next());
            Files.delete(dir.resolve("f"));
            assertEquals("out d gone f", d.next());
        }
    }

    @Test
    void aLaterSourceWidensTheSharedRootToItsEventsAndDepth() throws Exception {
        Files.createDirectories(dir.resolve("a/b"));
        Recorder top = new Recorder("top");
        Recorder deep = new Recorder("deep");
        Rule deleted = Rule.builder(dir.toString()).mask(InotifyMask.IN_DELETE).recursive()
                .action(ActionSpec.argv(List.of(Template.of("/bin/echo"), Template.of("gone"),
                        Template.builder().field(Template.Source.RELATIVE_PATH).build())))
                .stdio(StdioPolicy.LOG_LINES).reporter(deep).build();
        try (RuleHost host = new RuleHost(0)) {
            host.install("first", List.of(echo(top, "written"))); // depth 0, close-write only
            host.start();
            assertTrue(host.awaitSettled(10_000));
            assertEquals("ready top", top.next());
            host.install("second", List.of(deleted)); // every level, deletes
            assertEquals("ready deep", deep.next());
            // a/b existed before the second source came: it is watched now, without events
            Path marker = dir.resolve("a/b/m");
            for (int i = 0; i < 100; i++) {
                Files.writeString(marker, "x");
                Files.delete(marker);
                String seen = deep.seen.poll(100, TimeUnit.MILLISECONDS);
                if (seen != null) {
                    assertEquals("out deep gone a/b/m", seen);
                    break;
                }
                assertTrue(i < 99, "the deeper level never got watched");
            }
            Files.writeString(dir.resolve("f"), "x");
            assertEquals("out top written f", top.next()); // the first source still runs
            assertEquals("exit top 0", top.next());
            assertEquals(null, top.seen.poll(200, TimeUnit.MILLISECONDS)); // and only at its depth
        }
    }

    @Test
    void aCallRuleHandsItsSettledPathsToTheDaemonOnce() throws Exception {
        LinkedBlockingQueue<String> calls = new LinkedBlockingQueue<>();
        Rule call = Rule.builder(dir.toString()).maxDepth(0)
                .mask(InotifyMask.IN_MODIFY | InotifyMask.IN_CLOSE_WRITE)
                .settle(java.time.Duration.ofMillis(100)).maxDelay(java.time.Duration.ofSeconds(5))
                .action(ActionSpec.call((rule, path, mask, overflow) ->
                        calls.add(new String(path, StandardCharsets.UTF_8).substring(dir.toString().length()))))
                .build();
        try (RuleHost host = new RuleHost(0)) {
            host.install("own", List.of(call));
            host.start();
            assertTrue(host.awaitSettled(10_000));
            try (java.io.OutputStream out = Files.newOutputStream(dir.resolve("table"))) {
                for (int i = 0; i < 20; i++) {
                    out.write('x'); // several writes, one settled call
                    out.flush();
                }
            }
            assertEquals("/table", calls.poll(10, TimeUnit.SECONDS));
            assertEquals(null, calls.poll(300, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void missingRootIsReportedAndOthersRun() throws Exception {
        Recorder a = new Recorder("a");
        Recorder m = new Recorder("m");
        Rule missing = Rule.builder(dir.resolve("nope").toString()).mask(InotifyMask.IN_CREATE)
                .action(ActionSpec.argv(List.of(Template.of("/bin/true")))).reporter(m).build();
        try (RuleHost host = new RuleHost(0)) {
            host.install("t", List.of(missing, echo(a, "x")));
            host.start();
            assertTrue(host.awaitSettled(10_000));
            assertEquals("missing m", m.next());
            assertEquals("ready a", a.next());
        }
    }
}
