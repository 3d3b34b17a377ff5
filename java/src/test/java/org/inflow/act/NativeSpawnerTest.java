package org.inflow.act;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.inflow.kernel.NativeLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native spawner with real processes. */
class NativeSpawnerTest {
    private static NativeSpawner spawner;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws IOException {
        spawner = new NativeSpawner();
    }

    @AfterAll
    static void stop() {
        spawner.close();
    }

    // ---- file names are data ----

    /** Strings that would do something if they reached a shell as code. */
    private static List<byte[]> injectionCorpus() {
        List<byte[]> c = new ArrayList<>();
        for (String s : new String[] {
            ";", "; touch X", "a;touch X", "$(touch X)", "`touch X`", "'", "\"", "'$(touch X)'", "\"$(touch X)\"",
            "'\"`touch X`\"'", "|", "| touch X", "&", "& touch X", "&& touch X", "|| touch X", ">", "> X", ">X",
            "< /etc/passwd", "\n", "a\ntouch X", "\ttouch X", "\t", "*", "?", "[a-z]*", "{a,b}", "{touch,X}", "-",
            "-n", "-e", "--help", "-c", "$HOME", "${IFS}", "$0", "$1", "$@", "\\", "\\n", "!", "!!", "#", "# c",
            "~", "~root", "%s", "%n", " ", "  two  spaces  ", "", "x=1", "été", "日本語",
        }) {
            c.add(s.getBytes(UTF_8));
        }
        c.add(new byte[] {(byte) 0xff, (byte) 0xfe});           // never UTF-8
        c.add(new byte[] {'a', (byte) 0x80, 'b'});               // a lone continuation byte
        c.add(new byte[] {(byte) 0xc3});                         // a truncated sequence
        c.add(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}); // an encoded surrogate
        c.add(new byte[] {'$', '(', (byte) 0xff, ')'});
        return c;
    }

    @Test
    void injectionCorpusArrivesAsSingleUnchangedArguments() throws Exception {
        List<byte[]> corpus = injectionCorpus();
        byte[] script = "for a; do printf '%s\\0' \"$a\"; done > \"$OUT\"".getBytes(UTF_8);
        for (String shell : new String[] {"/bin/sh", "/bin/bash"}) {
            Path out = dir.resolve("out-" + shell.substring(5));
            SpawnRequest r = SpawnRequest.shell(shell, script, corpus.toArray(new byte[0][]))
                    .env(("OUT=" + out).getBytes(UTF_8), "PATH=/usr/bin:/bin".getBytes(UTF_8))
                    .cwd(dir)
                    .build();
            ChildExit e = spawner.spawn(r).onExit().get(10, TimeUnit.SECONDS);
            assertTrue(e.success(), shell + ": " + e.describe());
            assertArgs(corpus, Files.readAllBytes(out), shell);
        }
        // No shell at all: argv straight to a program, its output through the capture pipe.
        List<byte[]> argv = new ArrayList<>();
        argv.add("/usr/bin/printf".getBytes(UTF_8));
        argv.add("%s\\0".getBytes(UTF_8));
        argv.addAll(corpus);
        RecordingLogger log = new RecordingLogger();
        ChildHandle h = spawner.spawn(SpawnRequest.command(argv).cwd(dir).stdio(SpawnRequest.Stdio.CAPTURE)
                .outputLogger(log).build());
        assertTrue(h.onExit().get(10, TimeUnit.SECONDS).success());
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] a : corpus) {
            all.write(a);
            all.write(0);
        }
        assertEquals(asLogLines(all.toByteArray(), "/usr/bin/printf[" + h.pid() + "]: "), log.messages());

        try (Stream<Path> left = Files.list(dir)) {
            Set<String> names = left.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
            assertEquals(Set.of("out-sh", "out-bash"), names, "nothing but the outputs was created");
        }
        assertFalse(Files.exists(dir.resolve("X")));
    }

    /** What the capture logs for these bytes: one message per line, bytes as Text.printable shows them. */
    private static List<String> asLogLines(byte[] b, String prefix) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= b.length; i++) {
            if (i == b.length ? i > start : b[i] == '\n') {
                lines.add(prefix + Text.printable(b, start, i - start));
                start = i + 1;
            }
        }
        return lines;
    }

    private static void assertArgs(List<byte[]> want, byte[] got, String who) {
        List<byte[]> args = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < got.length; i++) {
            if (got[i] == 0) {
                args.add(Arrays.copyOfRange(got, start, i));
                start = i + 1;
            }
        }
        assertEquals(start, got.length, who + ": output ends with a NUL");
        assertEquals(want.size(), args.size(), who + ": argument count");
        for (int i = 0; i < want.size(); i++) {
            assertArrayEquals(want.get(i), args.get(i), who + ": argument " + i);
        }
    }

    // ---- timeouts and process groups ----

    @Test
    void timeoutKillsTheWholeProcessGroup() throws Exception {
        SpawnRequest r = SpawnRequest.command("/bin/sh", "-c", "sleep 1000 & sleep 1000")
                .timeout(Duration.ofMillis(700)).grace(Duration.ofSeconds(3)).build();
        ChildHandle h = spawner.spawn(r);
        List<Integer> sleeps = awaitGroupMembers(h.pid(), 2);
        ChildExit e = h.onExit().get(10, TimeUnit.SECONDS);
        assertTrue(e.timedOut(), e.describe());
        assertEquals(ChildExit.SIGTERM, e.signal(), e.describe());
        assertEquals(-1, e.exitCode());
        assertTrue(e.duration().toMillis() >= 650 && e.duration().toMillis() < 3000, e.describe() + " " + e.duration());
        for (int pid : sleeps) {
            assertTrue(deadWithin(pid, 3000), "group member " + pid + " still runs");
        }
    }

    @Test
    void sigtermIgnoredMeansSigkillAfterTheGrace() throws Exception {
        SpawnRequest r = SpawnRequest.command("/bin/sh", "-c", "trap '' TERM; sleep 1000 & sleep 1000")
                .timeout(Duration.ofMillis(300)).grace(Duration.ofMillis(500)).build();
        ChildHandle h = spawner.spawn(r);
        List<Integer> sleeps = awaitGroupMembers(h.pid(), 2);
        ChildExit e = h.onExit().get(10, TimeUnit.SECONDS);
        assertTrue(e.timedOut());
        assertEquals(ChildExit.SIGKILL, e.signal(), e.describe());
        assertTrue(e.duration().toMillis() >= 750, e.duration().toString());
        for (int pid : sleeps) {
            assertTrue(deadWithin(pid, 3000), "group member " + pid + " still runs");
        }
    }

    @Test
    void timeoutsDoNotTouchChildrenThatEndInTime() throws Exception {
        List<ChildHandle> hs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            hs.add(spawner.spawn(SpawnRequest.command("/bin/sh", "-c", "exit " + i)
                    .timeout(Duration.ofSeconds(30 - i)).build()));
        }
        for (int i = 0; i < 20; i++) {
            ChildExit e = hs.get(i).onExit().get(10, TimeUnit.SECONDS);
            assertEquals(i, e.exitCode());
            assertFalse(e.timedOut());
        }
    }

    @Test
    void terminateStopsTheGroupAtOnce() throws Exception {
        ChildHandle h = spawner.spawn(SpawnRequest.command("sleep", "1000").grace(Duration.ofSeconds(2)).build());
        assertEquals('S', awaitState(h.pid()));
        h.terminate();
        ChildExit e = h.onExit().get(5, TimeUnit.SECONDS);
        assertEquals(ChildExit.SIGTERM, e.signal());
        assertFalse(e.timedOut());
        assertFalse(h.isAlive());
    }

    @Test
    void closeStopsEveryChildAndRefusesMore() throws Exception {
        NativeSpawner own = new NativeSpawner();
        ChildHandle a = own.spawn(SpawnRequest.command("sleep", "1000").build());
        ChildHandle b = own.spawn(SpawnRequest.command("/bin/sh", "-c", "trap '' TERM; sleep 1000")
                .grace(Duration.ofMillis(200)).build());
        awaitState(a.pid());
        awaitState(b.pid());
        own.close();
        assertEquals(ChildExit.SIGTERM, a.onExit().getNow(null).signal());
        assertEquals(ChildExit.SIGKILL, b.onExit().getNow(null).signal());
        assertEquals(0, own.running());
        assertThrows(IllegalStateException.class, () -> own.spawn(SpawnRequest.command("true").build()));
        own.close(); // twice is fine
    }

    // ---- no zombie, no fd leak ----

    @Test
    void tenThousandSpawnsLeaveNoZombieAndNoFd() throws Exception {
        SpawnRequest r = SpawnRequest.command("/bin/true").build();
        for (int i = 0; i < 50; i++) {
            spawner.spawn(r).onExit().get(10, TimeUnit.SECONDS);
        }
        int before = openFds();
        ArrayDeque<CompletableFuture<ChildExit>> window = new ArrayDeque<>();
        int failures = 0;
        for (int i = 0; i < 10_000; i++) {
            if (window.size() == 8) {
                failures += window.poll().get(10, TimeUnit.SECONDS).success() ? 0 : 1;
            }
            window.add(spawner.spawn(r).onExit());
        }
        while (!window.isEmpty()) {
            failures += window.poll().get(10, TimeUnit.SECONDS).success() ? 0 : 1;
        }
        assertEquals(0, failures);
        assertEquals(0, spawner.running());
        assertEquals(List.of(), ourZombies());
        int after = openFds();
        assertTrue(Math.abs(after - before) <= 4, "fds before " + before + ", after " + after);
    }

    @Test
    void concurrentSpawnersEachGetTheirOwnExitAndOutput() throws Exception {
        int threads = 4, each = 250;
        List<Thread> ts = new ArrayList<>();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    for (int i = 0; i < each; i++) {
                        RecordingLogger log = new RecordingLogger();
                        String word = "t" + id + "-" + i;
                        ChildHandle h = spawner.spawn(SpawnRequest.command("/bin/echo", word)
                                .stdio(SpawnRequest.Stdio.CAPTURE).outputLogger(log).build());
                        ChildExit e = h.onExit().get(10, TimeUnit.SECONDS);
                        assertEquals(h.pid(), e.pid());
                        assertTrue(e.success(), e.describe());
                        assertEquals(List.of("/bin/echo[" + h.pid() + "]: " + word), log.messages());
                    }
                } catch (Throwable x) {
                    errors.add(x);
                }
            });
            th.start();
            ts.add(th);
        }
        for (Thread th : ts) {
            th.join();
        }
        assertEquals(List.of(), errors);
        assertEquals(0, spawner.running());
    }

    // ---- what the child gets ----

    @Test
    void exitCodesSignalsAndSpawnErrors() throws Exception {
        assertTrue(run(SpawnRequest.command("/bin/true").build()).success());
        ChildExit three = run(SpawnRequest.command("/bin/sh", "-c", "exit 3").build());
        assertEquals(3, three.exitCode());
        assertEquals(0, three.signal());
        assertEquals(3, three.shellStatus());
        ChildExit killed = run(SpawnRequest.command("/bin/sh", "-c", "kill -9 $$").build());
        assertEquals(ChildExit.SIGKILL, killed.signal());
        assertEquals(137, killed.shellStatus());
        assertTrue(killed.describe().contains("SIGKILL"), killed.describe());
        assertTrue(run(SpawnRequest.command("true").build()).success(), "PATH search");

        IOException missing = assertThrows(IOException.class,
                () -> spawner.spawn(SpawnRequest.command("/nonexistent/prog").build()));
        assertTrue(missing.getMessage().contains("No such file"), missing.getMessage());
        IOException badCwd = assertThrows(IOException.class,
                () -> spawner.spawn(SpawnRequest.command("/bin/true").cwd(dir.resolve("missing")).build()));
        assertTrue(badCwd.getMessage().contains("No such file"), badCwd.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SpawnRequest.command(new byte[] {'a', 0, 'b'}));
        assertThrows(IllegalArgumentException.class, () -> SpawnRequest.command("true").env("NOEQUALS".getBytes(UTF_8)));
        assertThrows(IllegalArgumentException.class, () -> SpawnRequest.command(new byte[0][]));
    }

    @Test
    void childInheritsNoFdAboveTwoAndNoSignalState() throws Exception {
        // The JVM holds jars, sockets and its own pipes open; none of them may reach the child.
        assertEquals(List.of("0", "1", "2", "3"), capture(SpawnRequest.command("/bin/ls", "/proc/self/fd")),
                "3 is ls's own handle on the directory");
        // The JVM blocks and handles signals; the child starts with nothing blocked or ignored.
        assertEquals(List.of("SigBlk:\t0000000000000000", "SigIgn:\t0000000000000000"),
                capture(SpawnRequest.command("/bin/grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status")));
        // A new process group led by the child, in the JVM's session.
        List<String> ids = capture(SpawnRequest.command("/bin/sh", "-c",
                "echo $$; cut -d' ' -f5,6 /proc/$$/stat; cut -d' ' -f6 /proc/" + ProcessHandle.current().pid() + "/stat"));
        String pid = ids.get(0);
        String[] pgrpSid = ids.get(1).split(" ");
        assertEquals(pid, pgrpSid[0], "process group = its pid");
        assertEquals(ids.get(2), pgrpSid[1], "same session as the JVM");
    }

    @Test
    void environmentAndWorkingDirectory() throws Exception {
        assertEquals(List.of("b\\xe4r", dir.toString(), "unset"),
                capture(SpawnRequest.command("/bin/sh", "-c", "echo \"$FOO\"; pwd; echo \"${HOME-unset}\"")
                        .env("FOO=b\u00e4r".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))
                        .cwd(dir)));
        // null environment: the JVM's own
        String path = System.getenv("PATH");
        assertEquals(List.of(path), capture(SpawnRequest.command("/bin/sh", "-c", "echo \"$PATH\"")));
    }

    /** Lines a sink was given, "out:" or "err:" first, in the order they came. */
    private static List<String> splitCapture(SpawnRequest.Stdio mode) throws Exception {
        List<String> got = Collections.synchronizedList(new ArrayList<>());
        ChildHandle h = spawner.spawn(SpawnRequest.command("/bin/sh", "-c", "echo one; echo two >&2; echo three; ls -1 /proc/self/fd >&2")
                .stdio(mode).outputSink(new OutputSink() {
                    @Override
                    public void line(int pid, byte[] line, int n) {
                        got.add("out:" + new String(line, 0, n, UTF_8));
                    }

                    @Override
                    public void errorLine(int pid, byte[] line, int n) {
                        got.add("err:" + new String(line, 0, n, UTF_8));
                    }
                }).build());
        assertTrue(h.onExit().get(10, TimeUnit.SECONDS).success());
        return got;
    }

    @Test
    void unusedStandardStreamsCanBeClosedInsteadOfDevNull() throws Exception {
        List<String> got = Collections.synchronizedList(new ArrayList<>());
        ChildHandle h = spawner.spawn(SpawnRequest.command("/bin/ls", "-1", "/proc/self/fd").closeUnused(true)
                .stdio(SpawnRequest.Stdio.CAPTURE_STDOUT).outputSink((pid, line, n) -> got.add(new String(line, 0, n, UTF_8))).build());
        assertTrue(h.onExit().get(10, TimeUnit.SECONDS).success());
        // stdin and stderr closed: the directory ls opens takes fd 0; stdout is the pipe
        assertEquals(List.of("0", "1"), got);
    }

    @Test
    void stderrCapturedApartIsToldFromStdout() throws Exception {
        List<String> got = splitCapture(SpawnRequest.Stdio.CAPTURE_SPLIT);
        assertEquals(List.of("out:one", "out:three"), got.stream().filter(l -> l.startsWith("out:")).collect(Collectors.toList()));
        // ls sees 0-2 and its own directory: the two pipes' other ends are not inherited
        assertEquals(List.of("err:two", "err:0", "err:1", "err:2", "err:3"),
                got.stream().filter(l -> l.startsWith("err:")).collect(Collectors.toList()));
    }

    @Test
    void onlyTheCapturedStreamIsRead() throws Exception {
        assertEquals(List.of("out:one", "out:three"), splitCapture(SpawnRequest.Stdio.CAPTURE_STDOUT));
        assertEquals(List.of("err:two", "err:0", "err:1", "err:2", "err:3"), splitCapture(SpawnRequest.Stdio.CAPTURE_STDERR));
    }

    @Test
    void captureLogsLinesWithThePidBeforeTheExit() throws Exception {
        RecordingLogger log = new RecordingLogger();
        ChildHandle h = spawner.spawn(SpawnRequest.command("/bin/sh", "-c", "printf 'one\\ntwo\\r\\n'; echo three >&2; printf four")
                .stdio(SpawnRequest.Stdio.CAPTURE).outputLogger(log).build());
        ChildExit e = h.onExit().get(10, TimeUnit.SECONDS);
        assertTrue(e.success());
        String p = "/bin/sh[" + h.pid() + "]: ";
        assertEquals(List.of(p + "one", p + "two", p + "three", p + "four"), log.messages());
    }

    @Test
    void aThrowingLoggerLosesNoExit() throws Exception {
        RecordingLogger broken = new RecordingLogger() {
            @Override
            public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
                throw new IllegalStateException("broken log handler (expected in this test)");
            }
        };
        List<ChildHandle> hs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            hs.add(spawner.spawn(SpawnRequest.command("/bin/sh", "-c", "echo line; exit " + i)
                    .stdio(SpawnRequest.Stdio.CAPTURE).outputLogger(broken).build()));
        }
        for (int i = 0; i < 5; i++) {
            assertEquals(i, hs.get(i).onExit().get(10, TimeUnit.SECONDS).exitCode());
        }
        assertEquals(0, spawner.running());
    }

    @Test
    void stdinPipeTakesABatch() throws Exception {
        RecordingLogger log = new RecordingLogger();
        ChildHandle h = spawner.spawn(SpawnRequest.command("/bin/sh", "-c", "while IFS= read -r p; do echo \"got $p\"; done")
                .stdio(SpawnRequest.Stdio.STDIN_PIPE).outputLogger(log).build());
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (int i = 0; i < 5000; i++) {
            batch.write(("/some/path/" + i + "\n").getBytes(UTF_8)); // > 64 KiB: the pipe fills and drains
        }
        try (OutputStream in = h.stdin()) {
            in.write(batch.toByteArray());
        }
        assertTrue(h.onExit().get(20, TimeUnit.SECONDS).success());
        List<String> lines = log.messages();
        assertEquals(5000, lines.size());
        assertTrue(lines.get(4999).endsWith("]: got /some/path/4999"), lines.get(4999));
        IOException closed = assertThrows(IOException.class, () -> h.stdin().write(1));
        assertTrue(closed.getMessage().contains("closed"));
        // writing to a child that is gone: EPIPE, not a dead JVM
        ChildHandle gone = spawner.spawn(SpawnRequest.command("/bin/true").stdio(SpawnRequest.Stdio.STDIN_PIPE)
                .outputLogger(log).build());
        gone.onExit().get(10, TimeUnit.SECONDS);
        assertThrows(IOException.class, () -> gone.stdin().write(new byte[100_000]));
    }

    // ---- another user ----

    @Test
    void runsAsNobodyWithItsGroups() throws Exception {
        long uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (uid != 0) {
            String why = "not root (uid " + uid + "): switching to user nobody needs root; run the tests as root to cover it";
            System.out.println("NativeSpawnerTest.runsAsNobodyWithItsGroups skipped: " + why);
            Assumptions.assumeTrue(false, why);
        }
        RunAs nobody = RunAs.lookup("nobody");
        assertEquals(idOf("-u"), Integer.toString(nobody.uid()));
        assertEquals(idOf("-g"), Integer.toString(nobody.gid()));
        List<String> got = capture(SpawnRequest.command("/bin/sh", "-c", "id -u; id -g; id -G; cat /proc/self/status | grep -E '^(Uid|Gid|CapEff):'")
                .user(nobody).cwd(Path.of("/")));
        assertEquals(Integer.toString(nobody.uid()), got.get(0));
        assertEquals(Integer.toString(nobody.gid()), got.get(1));
        assertEquals(sorted(Arrays.stream(nobody.groups()).mapToObj(Integer::toString).toArray(String[]::new)),
                sorted(got.get(2).split(" ")));
        assertEquals(sorted(idOf("-G").split(" ")), sorted(got.get(2).split(" ")));
        String u = nobody.uid() + "";
        assertEquals("Uid:\t" + u + "\t" + u + "\t" + u + "\t" + u, got.get(3));
        assertEquals("CapEff:\t0000000000000000", got.get(5));

        // explicit groups, and a failure of the helper: exit 127 with its message, nothing run
        assertEquals(List.of("65534 4242 4343"),
                capture(SpawnRequest.command("id", "-G").user(RunAs.of(65534, 65534, 4343, 4242))));
        RecordingLogger log = new RecordingLogger();
        ChildHandle h = spawner.spawn(SpawnRequest.command("no-such-program-inflow").user(nobody)
                .stdio(SpawnRequest.Stdio.CAPTURE).outputLogger(log).build());
        assertEquals(127, h.onExit().get(10, TimeUnit.SECONDS).exitCode());
        assertTrue(log.messages().get(0).contains("inflow-exec: cannot run no-such-program-inflow"), log.messages().toString());

        Path helper = NativeLoader.execHelper();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(helper)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(helper.getParent())));
    }

    @Test
    void runAsFromPasswdAndGroupLines() {
        List<String> passwd = List.of("root:x:0:0:root:/root:/bin/bash", "alice:x:1000:1000::/home/alice:/bin/sh",
                "bob:x:1001:100::/home/bob:/bin/sh");
        List<String> group = List.of("root:x:0:", "users:x:100:alice", "alice:x:1000:", "audio:x:29:bob,alice",
                "broken:x:zz:alice", "video:x:44:alicex");
        RunAs alice = RunAs.fromFiles("alice", passwd, group);
        assertNotNull(alice);
        assertEquals(1000, alice.uid());
        assertEquals(1000, alice.gid());
        assertArrayEquals(new int[] {1000, 100, 29}, alice.groups());
        assertArrayEquals(new int[] {100, 29}, RunAs.fromFiles("bob", passwd, group).groups());
        assertEquals(null, RunAs.fromFiles("carol", passwd, group));
        assertThrows(IOException.class, () -> RunAs.lookup("no-such-user-inflow"));
    }

    // ---- helpers ----

    private static ChildExit run(SpawnRequest r) throws Exception {
        return spawner.spawn(r).onExit().get(10, TimeUnit.SECONDS);
    }

    /** The child's output lines (prefix removed); it must exit 0. */
    private static List<String> capture(SpawnRequest.Builder b) throws Exception {
        RecordingLogger log = new RecordingLogger();
        ChildHandle h = spawner.spawn(b.stdio(SpawnRequest.Stdio.CAPTURE).outputLogger(log).build());
        ChildExit e = h.onExit().get(10, TimeUnit.SECONDS);
        assertTrue(e.success(), e.describe() + ": " + log.messages());
        String prefix = h.request().program() + "[" + h.pid() + "]: ";
        return log.messages().stream().map(m -> {
            assertTrue(m.startsWith(prefix), m);
            return m.substring(prefix.length());
        }).collect(Collectors.toList());
    }

    private static String idOf(String opt) throws Exception {
        Process p = new ProcessBuilder("id", opt, "nobody").start();
        String s = new String(p.getInputStream().readAllBytes(), UTF_8).trim();
        assertEquals(0, p.waitFor());
        return s;
    }

    private static List<String> sorted(String... s) {
        return new ArrayList<>(new TreeSet<>(Arrays.asList(s)));
    }

    private static int openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        }
    }

    /** [state, ppid, pgrp] of /proc/PID/stat, or null when it is gone. */
    private static String[] stat(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return new String[] {f[0], f[1], f[2]};
        } catch (IOException gone) {
            return null;
        }
    }

    /** Every process in /proc whose stat fields (state, ppid, pgrp, …) satisfy the test. */
    private static List<Long> processes(java.util.function.BiPredicate<Long, String[]> test) throws IOException {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (!n.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(n);
                String[] st = stat(pid);
                if (st != null && test.test(pid, st)) {
                    out.add(pid);
                }
            }
        }
        return out;
    }

    private static List<Long> ourZombies() throws IOException {
        String me = Long.toString(ProcessHandle.current().pid());
        return processes((pid, st) -> st[0].equals("Z") && st[1].equals(me));
    }

    /** The pids of the `sleep` processes in group pgid, once there are `want` of them. */
    private static List<Integer> awaitGroupMembers(int pgid, int want) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String group = Integer.toString(pgid);
        while (System.nanoTime() < deadline) {
            List<Integer> found = new ArrayList<>();
            for (long pid : processes((pid, st) -> st[2].equals(group) && isSleep(pid))) {
                found.add((int) pid);
            }
            if (found.size() >= want) {
                return found;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("group " + pgid + " never had " + want + " sleeps");
    }

    private static boolean isSleep(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim().equals("sleep");
        } catch (IOException gone) {
            return false; // ended meanwhile
        }
    }

    private static char awaitState(int pid) throws Exception {
        for (int i = 0; i < 500; i++) {
            String[] st = stat(pid);
            if (st != null && st[0].equals("S")) {
                return 'S';
            }
            Thread.sleep(10);
        }
        return '?';
    }

    /** Gone, or a zombie: an orphan whose new parent (PID 1 here) may never reap it. */
    private static boolean deadWithin(int pid, long ms) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        do {
            String[] st = stat(pid);
            if (st == null || st[0].equals("Z") || st[0].equals("X")) {
                return true;
            }
            Thread.sleep(10);
        } while (System.nanoTime() < deadline);
        return false;
    }

    static class RecordingLogger implements System.Logger {
        private final List<String> messages = Collections.synchronizedList(new ArrayList<>());

        List<String> messages() {
            synchronized (messages) {
                return new ArrayList<>(messages);
            }
        }

        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            assertEquals(Level.INFO, level);
            messages.add(msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            assertEquals(Level.INFO, level);
            messages.add(params == null || params.length == 0 ? format : java.text.MessageFormat.format(format, params));
        }
    }
}
