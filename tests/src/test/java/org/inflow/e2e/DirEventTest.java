package org.inflow.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/direvent, black-box, the way direvent 5.2's own tests drive it: self-test mode (-T), a
 * handler that records its argv, cwd and DIREVENT_* environment and ends the run with
 * `kill -HUP $self_test_pid`, and direvent's stderr at -lnotice. Expected values are what Debian's
 * direvent 5.2 does (tests/compat/direvent-side-by-side.sh compares the two), except where the
 * test says 5.2 is deliberately not copied.
 */
class DirEventTest {
    @TempDir
    Path tmp;

    private static String env(int sysevCode, String sysevName, String genevCode, String genevName, String file) {
        return "env: DIREVENT_FILE=" + file + " DIREVENT_GENEV_CODE=" + genevCode + " DIREVENT_GENEV_NAME=" + genevName
                + " DIREVENT_SYSEV_CODE=" + sysevCode + " DIREVENT_SYSEV_NAME=" + sysevName + " ";
    }

    @Test
    void genericEventsGiveTheHandlerArgvCwdAndEnvironmentOf52() throws Exception {
        DirEventRun r = new DirEventRun(tmp);
        Files.createDirectory(tmp.resolve("w"));
        r.config("watcher {\n  path @T/w;\n"
                + "  command \"@H file=$file gn=$genev_name gc=$genev_code sn=$sysev_name sc=$sysev_code $file\";\n}\n");
        r.selfTest("echo hi > @T/w/a; chmod 600 @T/w/a; mv @T/w/a @T/w/b; rm @T/w/b; touch @T/w/end; sleep 10; exit 21");
        assertEquals(0, r.status, r::toString);
        List<String> lines = r.handlerLines();
        String h = "cwd=@T/w <@H> ";
        assertEquals(List.of(
                h + "<file=a> <gn=create> <gc=1> <sn=CREATE> <sc=256> <a> " + env(256, "CREATE", "1", "create", "a"),
                h + "<file=a> <gn=write> <gc=2> <sn=MODIFY> <sc=2> <a> " + env(2, "MODIFY", "2", "write", "a"),
                h + "<file=a> <gn=write> <gc=2> <sn=CLOSE_WRITE> <sc=8> <a> " + env(8, "CLOSE_WRITE", "2", "write", "a"),
                h + "<file=a> <gn=attrib> <gc=4> <sn=ATTRIB> <sc=4> <a> " + env(4, "ATTRIB", "4", "attrib", "a"),
                h + "<file=a> <gn=delete> <gc=8> <sn=MOVED_FROM> <sc=64> <a> " + env(64, "MOVED_FROM", "8", "delete", "a"),
                h + "<file=b> <gn=create> <gc=1> <sn=MOVED_TO> <sc=128> <b> " + env(128, "MOVED_TO", "1", "create", "b"),
                h + "<file=b> <gn=delete> <gc=8> <sn=DELETE> <sc=512> <b> " + env(512, "DELETE", "8", "delete", "b"),
                h + "<file=end> <gn=create> <gc=1> <sn=CREATE> <sc=256> <end> " + env(256, "CREATE", "1", "create", "end")),
                lines.subList(0, 8), r::toString);
        // nothing at NOTICE or above in a normal run; no descriptor besides 0-2 reaches a handler
        assertEquals("", r.stderr);
    }

    @Test
    void aWatchersHandlersRunOneAtATimeAcrossItsPathsUnlessNowait() throws Exception {
        DirEventRun r = new DirEventRun(tmp);
        Files.createDirectory(tmp.resolve("w1"));
        Files.createDirectory(tmp.resolve("w2"));
        r.config("watcher { path @T/w1; path @T/w2; event create; option (shell);"
                + " command \"echo start $file >> @T/log; sleep 0.3; echo end $file >> @T/log\"; }\n");
        r.selfTest("touch @T/w1/a @T/w2/b; i=0; while [ $i -lt 300 ]; do [ $(cat @T/log 2>/dev/null | wc -l) -ge 4 ] && exit 0;"
                + " sleep 0.05; i=$((i+1)); done; exit 21");
        assertEquals(0, r.status, r::toString);
        assertEquals(List.of("start a", "end a", "start b", "end b"), Files.readAllLines(tmp.resolve("log")));
        Files.delete(tmp.resolve("log"));
        r.config("watcher { path @T/w1; path @T/w2; event create; option (shell, nowait);"
                + " command \"echo start $file >> @T/log; sleep 1; echo end $file >> @T/log\"; }\n");
        r.selfTest("touch @T/w1/c @T/w2/d; i=0; while [ $i -lt 300 ]; do [ $(cat @T/log 2>/dev/null | wc -l) -ge 4 ] && exit 0;"
                + " sleep 0.05; i=$((i+1)); done; exit 21");
        assertEquals(0, r.status, r::toString);
        assertTrue(Files.readAllLines(tmp.resolve("log")).get(1).startsWith("start"), "nowait handlers overlap");
    }

    @Test
    void selfTestStatusIsTheProgramsAnd2WhenKilled() throws Exception {
        DirEventRun r = new DirEventRun(tmp);
        Files.createDirectory(tmp.resolve("w"));
        r.config("watcher { path @T/w; command \"@H x\"; }\n");
        assertEquals(21, r.selfTest("exit 21").status, r::toString);
        assertTrue(r.stderr.matches("direvent: \\[ERROR\\] process [0-9]+ failed with status 21\n"), r.stderr);
        assertEquals(2, r.selfTest("kill -TERM $$; sleep 5").status, r::toString);
        assertEquals(0, r.selfTest("kill -HUP $$; sleep 5").status, r::toString);
    }

    @Test
    void macrosQuotingAndDefaultsAsWordsplitDoesThem() throws Exception {
        DirEventRun r = new DirEventRun(tmp);
        Files.createDirectory(tmp.resolve("w"));
        r.config("watcher {\n  path @T/w;\n  event create;\n"
                + "  command \"@H hup B=\\\"$file\\\" 'C=$file' D=${file}x E=$HOME F=$0 I=\\\"a\\\\tb\\\" J=${genev_name:-def}"
                + " K=${UNDEF:-def} L=${sysev_name:+set} M=\\\\$file $UNDEF last\";\n}\n");
        r.selfTest("touch @T/w/plain.txt; sleep 10; exit 21");
        assertEquals(0, r.status, r::toString);
        assertEquals("cwd=@T/w <@H> <hup> <B=plain.txt> <C=$file> <D=plain.txtx> <E=> <F=$0> <I=a\tb> <J=create> <K=def>"
                + " <L=set> <M=$file> <last> " + env(256, "CREATE", "1", "create", "plain.txt"), r.handlerLines().get(0));
    }

    @Test
    void aFileNameIsOneArgumentAndNeverShellCode() throws Exception {
        // 5.2 splits an unquoted $file and pastes it into the shell's text; inflow does neither
        DirEventRun r = new DirEventRun(tmp);
        Files.createDirectory(tmp.resolve("w"));
        r.config("watcher { path @T/w; event create; file \"*.txt\"; command \"@H A=$file\"; }\n"
                + "watcher { path @T/w; event create; file \"*.sh\"; option (shell); command \"@H $file '$file' \\\"x$file\\\"\"; }\n");
        r.selfTest("touch \"@T/w/my file.txt\"; touch \"@T/w/\\$(touch pwned).sh\"; " + r.untilRuns(2));
        assertEquals(0, r.status, r::toString);
        List<String> lines = r.handlerLines();
        assertTrue(lines.contains("cwd=@T/w <@H> <A=my file.txt> " + env(256, "CREATE", "1", "create", "my file.txt")), r::toString);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("cwd=@T/w <@H> <$(touch pwned).sh> <$(touch pwned).sh> <x$(touch pwned).sh>")),
                r::toString);
        assertFalse(Files.exists(tmp.resolve("w/pwned")));
    }

    @Test
    void recursionFollowsNewAndMovedInDirectoriesWhateverTheEvents() throws Exception {
        // 5.2 follows new directories only with create in the event list, and never moved-in ones
        DirEventRun r = new DirEventRun(tmp);
        Files.createDirectories(tmp.resolve("w/pre/deep"));
        Files.createDirectories(tmp.resolve("out/sub"));
        r.config("watcher { path @T/w recursive; event write; command \"@H $file\"; }\n");
        r.selfTest("echo 1 > @T/w/pre/deep/f1; mkdir -p @T/w/n/m; echo 2 > @T/w/n/m/f2; mv @T/out @T/w/in;"
                + " echo 3 > @T/w/in/sub/f3; echo 4 > @T/w/in/sub/end; sleep 10; exit 21");
        assertEquals(0, r.status, r::toString);
        String all = String.join("\n", r.handlerLines());
        assertTrue(all.contains("cwd=@T/w/pre/deep <@H> <f1>"), all);
        assertTrue(all.contains("cwd=@T/w/n/m <@H> <f2>"), all);
        assertTrue(all.contains("cwd=@T/w/in/sub <@H> <f3>"), all);
    }

    @Test
    void newDirectoriesInARecursiveWatchAreSynthesizedCreates() throws Exception {
        DirEventRun r = new DirEventRun(tmp);
        Files.createDirectory(tmp.resolve("w"));
        r.config("watcher { path @T/w recursive; event create; command \"@H $file $sysev_code\"; }\n");
        r.selfTest("mkdir @T/w/x; touch @T/w/x/end; sleep 10; exit 21");
        assertEquals(0, r.status, r::toString);
        List<String> lines = r.handlerLines();
        assertTrue(lines.contains("cwd=@T/w <@H> <x> <0> " + env(0, "", "1", "create", "x")), r::toString);
        assertTrue(lines.contains("cwd=@T/w/x <@H> <end> <256> " + env(256, "CREATE", "1", "create", "end")), r::toString);
    }

    @Test
    void aMissingPathGetsTheSentinelNoticesAndIsArmedWhenItAppearsEvenInOneBurst() throws Exception {
        DirEventRun r = new DirEventRun(tmp);
        r.config("watcher { path @T/dir/sub; command \"@H $file $genev_name $sysev_code\"; }\n");
        // mkdir -p in one go: 5.2 arms only the first level and never runs a handler
        r.selfTest("mkdir -p @T/dir/sub; touch @T/dir/sub/end; sleep 10; exit 21");
        assertEquals(0, r.status, r::toString);
        assertEquals("direvent: [NOTICE] installing CREATE sentinel for " + tmp + "/dir/sub\n"
                + "direvent: [NOTICE] installing CREATE sentinel for " + tmp + "/dir\n", r.stderr);
        List<String> lines = r.handlerLines();
        assertTrue(lines.contains("cwd=@T/dir <@H> <sub> <create> <0> " + env(0, "", "1", "create", "sub")), r::toString);
    }

    @Test
    void aNestedMissingPathThat52CrashesOnIsWaitedFor() throws Exception {
        DirEventRun r = new DirEventRun(tmp);
        r.config("watcher { path @T/nx/sub; event create; command \"@H hup $file\"; }\n");
        r.selfTest("mkdir @T/nx; mkdir @T/nx/sub; sleep 10; exit 21");
        assertEquals(0, r.status, r::toString);
        assertTrue(r.handlerLines().get(0).startsWith("cwd=@T/nx <@H> <hup> <sub>"), r::toString);
    }

    @Test
    void aDeletedPathIsWaitedForAgainEvenWhenItsParentGoesToo() throws Exception {
        // 5.2 recurses until SIGSEGV when the directory holding a sentinel is deleted
        DirEventRun r = new DirEventRun(tmp);
        Files.createDirectories(tmp.resolve("dir/sub"));
        r.config("watcher { path @T/dir/sub; event create; command \"@H $file\"; }\n");
        r.selfTest("rm -rf @T/dir; mkdir -p @T/dir/sub; touch @T/dir/sub/end; sleep 10; exit 21");
        assertEquals(0, r.status, r::toString);
        String waiting = "direvent: [NOTICE] " + tmp + "/dir/sub deleted\n"
                + "direvent: [NOTICE] installing CREATE sentinel for " + tmp + "/dir/sub\n";
        // Whether the sentinel also had to move up to dir's parent depends on how far rm -rf
        // got before the sentinel was placed, and mkdir -p may already have brought dir back.
        assertTrue(r.stderr.equals(waiting)
                || r.stderr.equals(waiting + "direvent: [NOTICE] installing CREATE sentinel for " + tmp + "/dir\n"),
                r::toString);
        assertEquals(List.of("cwd=@T/dir <@H> <sub> " + env(0, "", "1", "create", "sub"),
                "cwd=@T/dir/sub <@H> <end> " + env(256, "CREATE", "1", "create", "end")), r.handlerLines());
    }

    @Test
    void anAppearancesCreateHoldsUpNeitherOtherWatchersNorItsOwnOrder() throws Exception {
        // 5.2 runs it in place and, under "wait", blocks every watcher until it ends; its output is
        // treated as for the watcher's other runs
        DirEventRun r = new DirEventRun(tmp);
        Files.createDirectory(tmp.resolve("w"));
        r.config("watcher { path @T/late; event create; option (shell, stderr);"
                + " command \"echo A start $file >> @T/log; echo A says $file >&2;"
                + " [ $file = late ] && sleep 2; echo A end $file >> @T/log\"; }\n"
                + "watcher { path @T/w; event create; option (shell); command \"echo B $file >> @T/log\"; }\n");
        r.selfTest("await() { i=0; until grep -q \"$1\" @T/log 2>/dev/null; do [ $i -ge 200 ] && exit 21; sleep 0.05; i=$((i+1)); done; };"
                + " mkdir @T/late; await 'A start late'; touch @T/w/x; await 'B x'; touch @T/late/y; await 'A end y'; exit 0");
        assertEquals(0, r.status, r::toString);
        assertEquals(List.of("A start late", "B x", "A end late", "A start y", "A end y"),
                Files.readAllLines(tmp.resolve("log")), r::toString);
        // and it is one of the watcher's runs like the others, its stderr logged
        assertTrue(r.stderr.contains("direvent: [ERROR] A says late\n"), r::toString);
        assertTrue(r.stderr.contains("direvent: [ERROR] A says y\n"), r::toString);
    }

    @Test
    void aMissingPathThatAppearsAsAFileRunsInItsDirectory() throws Exception {
        DirEventRun r = new DirEventRun(tmp);
        Files.createDirectory(tmp.resolve("w"));
        Files.writeString(tmp.resolve("new"), "x\n");
        r.config("watcher { path @T/w/log; event (create, write); command \"@H $file $genev_name\"; }\n");
        r.selfTest("mv @T/new @T/w/log; i=0; while [ $i -lt 100 ] && [ ! -s " + r.log + " ]; do sleep 0.05; i=$((i+1)); done;"
                + " echo y >> @T/w/log; " + r.untilRuns(3));
        assertEquals(0, r.status, r::toString);
        assertEquals(List.of("cwd=@T/w <@H> <log> <create> " + env(0, "", "1", "create", "log"),
                "cwd=@T/w <@H> <log> <write> " + env(2, "MODIFY", "2", "write", "log"),
                "cwd=@T/w <@H> <log> <write> " + env(8, "CLOSE_WRITE", "2", "write", "log")), r.handlerLines(), r::toString);
    }

    @Test
    void aWatchedFileKeepsItsWatchThroughAnAtomicReplace() throws Exception {
        DirEventRun r = new DirEventRun(tmp);
        Files.createDirectory(tmp.resolve("w"));
        Files.writeString(tmp.resolve("w/target"), "x\n");
        r.config("watcher { path @T/w/target; event (write, attrib); command \"@H $file $genev_name\"; }\n");
        // 5.2 loses the watch for good after `mv tmp target`
        r.selfTest("echo y >> @T/w/target; echo z > @T/w/tmp; mv @T/w/tmp @T/w/target; sleep 0.5; chmod 600 @T/w/target;"
                + " i=0; while [ $i -lt 300 ]; do grep -q ATTRIB " + r.log + " && exit 0; sleep 0.05; i=$((i+1)); done; exit 21");
        assertEquals(0, r.status, r::toString);
        List<String> lines = r.handlerLines();
        assertEquals("cwd=@T/w <@H> <target> <write> " + env(2, "MODIFY", "2", "write", "target"), lines.get(0));
        assertTrue(lines.contains("cwd=@T/w <@H> <target> <attrib> " + env(4, "ATTRIB", "4", "attrib", "target")), r::toString);
    }

    @Test
    void patternsGlobRegexAndNegation() throws Exception {
        DirEventRun r = new DirEventRun(tmp);
        Files.createDirectory(tmp.resolve("w"));
        r.config("watcher { path @T/w; event create; file (\"*.c\", \"/^x/\", \"/^UP/i\", \"/^b\\\\(o\\\\)\\\\1$/b\"); command \"@H p1 $file\"; }\n"
                + "watcher { path @T/w; event create; file (\"!*.c\", \"!*.h\"); command \"@H p2 $file\"; }\n"
                + "watcher { path @T/w; event create; file \"!*.tmp\"; command \"@H p3 $file\"; }\n");
        r.selfTest("touch @T/w/a.c @T/w/xyz @T/w/up.txt @T/w/boo @T/w/n.tmp @T/w/.hidden; " + r.untilRuns(15));
        assertEquals(0, r.status, r::toString);
        String all = String.join("\n", r.handlerLines());
        for (String want : new String[] {"p1> <a.c>", "p1> <xyz>", "p1> <up.txt>", "p1> <boo>", "p2> <n.tmp>", "p2> <.hidden>",
            "p3> <a.c>", "p3> <.hidden>"}) {
            assertTrue(all.contains(want), want + " in\n" + all);
        }
        for (String not : new String[] {"p1> <n.tmp>", "p1> <.hidden>", "p3> <n.tmp>"}) {
            assertFalse(all.contains(not), not + " in\n" + all);
        }
    }

    @Test
    void environDirectives() throws Exception {
        DirEventRun r = new DirEventRun(tmp);
        Files.createDirectory(tmp.resolve("w"));
        r.env.put("ENVT_B", "bval");
        r.env.put("ENVT_C", "cval");
        r.env.put("ENVT_P", "/orig");
        r.config("watcher { path @T/w; event create;\n"
                + "  environ (\"ENVT_A=new_$file\", \"-ENVT_B\", \"-ENVT_C=other\", \"ENVT_P+=:/extra\", \"ENVT_N=+/y:\");\n"
                + "  environ \"ENVT_E=\\\"quoted value\\\"\";\n"
                + "  command \"@H hup\"; }\n");
        r.selfTest("touch @T/w/t1; sleep 10; exit 21");
        assertEquals(0, r.status, r::toString);
        assertEquals("cwd=@T/w <@H> <hup> env: DIREVENT_FILE=t1 DIREVENT_GENEV_CODE=1 DIREVENT_GENEV_NAME=create"
                + " DIREVENT_SYSEV_CODE=256 DIREVENT_SYSEV_NAME=CREATE ENVT_A=new_t1 ENVT_C=cval ENVT_E=quoted value"
                + " ENVT_N=/y ENVT_P=/orig:/extra ", r.handlerLines().get(0));
    }

    @Test
    void handlersGetNoDescriptorOfTheDaemon() throws Exception {
        // 5.2 leaks descriptors above a gap; stdin, stdout and stderr are closed, as in 5.2
        DirEventRun r = new DirEventRun(tmp);
        Files.createDirectory(tmp.resolve("w"));
        r.config("watcher { path @T/w; event create; option (shell); command \"ls /proc/self/fd > @T/fds; @H hup\"; }\n");
        r.selfTest("touch @T/w/a; sleep 10; exit 21");
        assertEquals(0, r.status, r::toString);
        // only ls's own: its output on 1 and the directory it reads on the lowest free fd, 0
        assertEquals("0\n1\n", Files.readString(tmp.resolve("fds")));
    }

    @Test
    void handlersAndTheDaemonRunAsTheConfiguredUserAndThePidFileStillGoes() throws Exception {
        if (!"0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim())) {
            System.out.println("DirEventTest: user switching needs root; skipped");
            return;
        }
        DirEventRun r = new DirEventRun(tmp);
        Files.createDirectories(tmp.resolve("w"));
        Files.createDirectories(tmp.resolve("out"));
        for (Path p : new Path[] {tmp, tmp.resolve("w"), tmp.resolve("out")}) {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        // a handler running as nobody cannot signal the (root) self-test: it waits for the output
        r.config("watcher { path @T/w; event create; user nobody daemon; option (shell);"
                + " command \"id -u > @T/out/$file.tmp; id -g >> @T/out/$file.tmp; mv @T/out/$file.tmp @T/out/$file\"; }\n");
        r.selfTest("touch @T/w/a; i=0; while [ $i -lt 300 ]; do [ -e @T/out/a ] && exit 0; sleep 0.05; i=$((i+1)); done; exit 21");
        assertEquals(0, r.status, r::toString);
        assertEquals("65534\n1", Files.readString(tmp.resolve("out/a")).trim(), "uid of nobody, gid of daemon");
        // -u: the daemon itself drops root after start-up; 5.2 then leaves its pid file behind
        r.config("watcher { path @T/w; event create; option (shell); command \"id -u > @T/out/$file; @H hup\"; }\n");
        r.run("-f", "-lnotice", "-u", "nobody", "-P", "@T/pid", "-T", "touch @T/w/b; sleep 10; exit 21", "@T/direvent.conf");
        assertEquals(0, r.status, r::toString);
        assertEquals("65534", Files.readString(tmp.resolve("out/b")).trim());
        waitFor(() -> !Files.exists(tmp.resolve("pid")));
    }

    @Test
    void capturedOutputIsLogged() throws Exception {
        DirEventRun r = new DirEventRun(tmp);
        Files.createDirectory(tmp.resolve("w"));
        r.config("watcher { path @T/w; event create; option (stdout, stderr, shell); command \"echo to-out; echo to-err >&2; @H hup\"; }\n"
                + "watcher { path @T/w; event create; option (stderr, shell); command \"echo only-out; echo only-err >&2\"; }\n");
        r.run("-f", "-linfo", "-T", "touch @T/w/a; sleep 10; exit 21", "@T/direvent.conf");
        assertEquals(0, r.status, r::toString);
        assertTrue(r.stderr.contains("direvent: [INFO] to-out\n"), r::toString);
        assertTrue(r.stderr.contains("direvent: [ERROR] to-err\n"), r::toString);
        assertFalse(r.stderr.contains("only-out"), r::toString);
    }

    @Test
    void aHandlerPastItsTimeoutIsKilledAndTheNextOneRuns() throws Exception {
        DirEventRun r = new DirEventRun(tmp);
        Files.createDirectory(tmp.resolve("w"));
        r.config("watcher { path @T/w; event create; timeout 1; option (shell);\n"
                + "  command \"if [ $file = slow ]; then exec sleep 30; else exec @H hup; fi\"; }\n");
        long t0 = System.nanoTime();
        r.selfTest("touch @T/w/slow; touch @T/w/fast; sleep 20; exit 21");
        assertEquals(0, r.status, r::toString);
        assertTrue(r.stderr.matches("(?s).*direvent: \\[ERROR\\] process [0-9]+ timed out\n.*"), r::toString);
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(15), "the slow handler was not stopped");
    }

    @Test
    void lintReportsInDirEventsFormatAndFailsOnAnyError() throws Exception {
        DirEventRun r = new DirEventRun(tmp);
        r.config("watcher { path /tmp; command \"/bin/true\" }\n");
        assertEquals(1, r.run("-t", "@T/direvent.conf").status);
        assertEquals(tmp + "/direvent.conf:1.42: syntax error, unexpected '}', expecting '{'\n", r.stderr);
        // semantic errors: 5.2 prints them and exits 0
        r.config("watcher { path /tmp; event foo; command \"x\"; user nosuchuser; }\n");
        assertEquals(1, r.run("-t", "@T/direvent.conf").status);
        assertEquals(tmp + "/direvent.conf:1.28-30: unrecognized event code\n" + tmp + "/direvent.conf:1.51-60: no such user\n", r.stderr);
        // 5.2 crashes on these (SIGSEGV)
        r.config("watcher { path /tmp; event (); command \"x\"; }\n");
        assertEquals(1, r.run("-t", "@T/direvent.conf").status);
        assertEquals(tmp + "/direvent.conf:1.28-29: empty list\n", r.stderr);
        r.config("# only comments\n");
        assertEquals(1, r.run("-t", "@T/direvent.conf").status);
        assertEquals("direvent: [CRIT] no event handlers configured\n", r.stderr);
        assertEquals(1, r.run("-f", "@T/direvent.conf").status);
        assertEquals("direvent: [CRIT] no event handlers configured\n", r.stderr);
        r.config("watcher {\n  path /tmp;\n  command <<EOT\n/bin/echo \\\n  here\nEOT\n;\n}\n");
        assertEquals(0, r.run("-t", "@T/direvent.conf").status, r::toString);
    }

    @Test
    void includeSearchesTheIncludeDirectories() throws Exception {
        DirEventRun r = new DirEventRun(tmp);
        Files.createDirectories(tmp.resolve("inc"));
        Files.createDirectory(tmp.resolve("w"));
        Files.writeString(tmp.resolve("inc/part.conf"), r.expand("watcher { path @T/w; event create; command \"@H hup\" \" $file\"; }\n"));
        r.config("#include <part.conf>\n#include_once <part.conf>\n");
        r.run("-f", "-lnotice", "-I", "@T/inc", "-T", "touch @T/w/a; sleep 10; exit 21", "@T/direvent.conf");
        assertEquals(0, r.status, r::toString);
        assertEquals(1, r.handlerLines().size(), r::toString);
        r.config("#include <nosuch.conf>\n");
        assertEquals(1, r.run("-t", "@T/direvent.conf").status);
        assertEquals(tmp + "/direvent.conf:1: nosuch.conf: No such file or directory\n", r.stderr);
    }

    @Test
    void commandLineMistakesAndInformation() throws Exception {
        DirEventRun r = new DirEventRun(tmp);
        assertEquals(1, r.run("-x").status);
        assertEquals("direvent: invalid option -- 'x'\n", r.stderr);
        assertEquals(1, r.run("--foo").status);
        assertEquals("direvent: unrecognized option '--foo'\n", r.stderr);
        assertEquals(1, r.run("-l", "foo", "x.conf").status);
        assertEquals("direvent: [CRIT] unknown syslog priority: foo\n", r.stderr);
        assertEquals(1, r.run("a", "b").status);
        assertEquals("direvent: [CRIT] too many arguments\n", r.stderr);
        assertEquals(1, r.run("-u", "nosuchuser", "x.conf").status);
        assertEquals("direvent: [CRIT] no such user: nosuchuser\n", r.stderr);
        assertEquals(0, r.run("--help").status);
        assertTrue(r.stdout.startsWith("Usage: direvent [OPTION]... [CONFIG]\n"));
        assertEquals(0, r.run("-V").status);
        assertEquals(0, r.run("--usage").status);
        assertEquals(0, r.run("-H").status);
        assertTrue(r.stdout.contains("watcher {"));
    }

    @Test
    void pidFileSigtermAndSighupReload() throws Exception {
        DirEventRun r = new DirEventRun(tmp);
        Files.createDirectory(tmp.resolve("w"));
        Path conf = r.config("watcher { path @T/w; event create; command \"@H one $file\"; }\n");
        Path pidFile = tmp.resolve("direvent.pid");
        Process p = new ProcessBuilder(DirEventRun.launcher().toString(), "-f", "-P", pidFile.toString(),
                conf.toString()).redirectErrorStream(true).redirectOutput(tmp.resolve("out").toFile()).start();
        try {
            waitFor(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
            assertEquals(Long.toString(p.pid()), Files.readString(pidFile).trim());
            Files.writeString(tmp.resolve("w/a"), "");
            waitFor(() -> lines(r).contains("cwd=@T/w <@H> <one> <a>"));
            r.config("watcher { path @T/w; event create; command \"@H two $file\"; }\n");
            new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor();
            waitFor(() -> Files.readString(tmp.resolve("out")).contains("configuration reloaded"));
            Files.writeString(tmp.resolve("w/b"), "");
            waitFor(() -> lines(r).contains("cwd=@T/w <@H> <two> <b>"));
            assertTrue(p.isAlive());
            new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
            assertFalse(Files.exists(pidFile), "the pid file is removed at exit");
            assertTrue(Files.readString(tmp.resolve("out")).contains("direvent: [NOTICE] got signal 15"));
        } finally {
            p.destroyForcibly();
        }
    }

    private static String lines(DirEventRun r) throws IOException {
        StringBuilder s = new StringBuilder();
        for (String l : r.handlerLines()) {
            int env = l.indexOf(" env:");
            s.append(env < 0 ? l : l.substring(0, env)).append('\n');
        }
        return s.toString();
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(Check c) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!c.ok()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out");
            }
            Thread.sleep(20);
        }
    }
}
