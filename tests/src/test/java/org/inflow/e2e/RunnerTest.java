package org.inflow.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `inflow watch … -- COMMAND`: real runs of real commands. */
class RunnerTest {
    @TempDir
    Path tmp;

    private static final Duration WAIT = Duration.ofSeconds(60);

    /** Polls a file the commands write until the predicate holds (the runs are the events). */
    private static List<String> awaitLog(Path log, Predicate<List<String>> done) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (;;) {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.ISO_8859_1) : List.of();
            if (done.test(lines)) {
                return lines;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("log never satisfied the test; it has " + lines.size() + " lines: "
                        + lines.subList(Math.max(0, lines.size() - 20), lines.size()));
            }
            Thread.sleep(20);
        }
    }

    private static String octal(byte[] name) {
        StringBuilder s = new StringBuilder();
        for (byte b : name) {
            s.append('\\').append(String.format("%03o", b & 0xff));
        }
        return s.toString();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void fileNamesArriveAsSingleUnchangedArgumentsAndNothingRuns() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("w"));
        Path log = tmp.resolve("args.log");
        Path pwned = tmp.resolve("PWNED");
        List<byte[]> corpus = List.of(bytes("semi;colon"), bytes("$(touch PWNED)"), bytes("`touch PWNED`"),
                bytes("single'quote"), bytes("double\"quote"), bytes("pi|pe"), bytes("amp&"), bytes("gt>x"),
                bytes("new\nline"), bytes("tab\there"), bytes("star*"), bytes("{a,b}"), bytes("-leading"),
                new byte[] {'b', 'a', 'd', (byte) 0xff, (byte) 0xfe, 'x'});
        // The command writes each argument NUL-terminated: the log shows exactly what argv held.
        try (WatchProcess w = WatchProcess.lines(dir, true, "-r", "--settle", "0", "-e", "close_write", dir.toString(),
                "--", "/bin/sh", "-c", "cd " + tmp + " && printf '%s\\0' \"$@\" >> " + log, "sh", "{name}", "{event}")) {
            for (byte[] name : corpus) {
                // built from octal escapes in the shell: Java's own argv would re-encode 0xff
                WatchTestKit.sh(dir, "f=$(printf '" + octal(name) + "'; echo /); printf x > \"${f%/}\"");
            }
            List<String> seen = awaitLog(log, lines -> String.join("\n", lines).split("\0", -1).length >= 2 * corpus.size());
            String[] fields = String.join("\n", seen).split("\0", -1);
            Set<String> names = new HashSet<>();
            for (int i = 0; i + 1 < fields.length; i += 2) {
                names.add(fields[i]);
                assertEquals("CLOSE_WRITE,CLOSE", fields[i + 1]);
            }
            for (byte[] name : corpus) {
                assertTrue(names.contains(new String(name, StandardCharsets.ISO_8859_1)),
                        "argument changed: " + Arrays.toString(name) + " not in " + names);
            }
            assertFalse(Files.exists(pwned), "a file name was executed");
        }
    }

    @Test
    void aRunThatOutlivesItsTimeoutIsStoppedWithItsProcessGroup() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("w"));
        Path pids = tmp.resolve("pids");
        try (WatchProcess w = WatchProcess.lines(dir, true, "--settle", "0", "--run-timeout", "300ms", "-e", "create",
                dir.toString(), "--", "/bin/sh", "-c", "sleep 1000 & echo $! >> " + pids + "; echo $$ >> " + pids + "; wait")) {
            Files.write(dir.resolve("go"), new byte[0]);
            List<String> lines = awaitLog(pids, l -> l.size() >= 2);
            for (String pid : lines) {
                Path proc = Path.of("/proc", pid.trim());
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (Files.exists(proc) && !isZombie(proc) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertTrue(!Files.exists(proc) || isZombie(proc), "pid " + pid + " outlived the timeout");
            }
        }
    }

    @Test
    void aFloodWithFourRunsAtMostDropsNoSettledPath() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("w"));
        Path log = tmp.resolve("runs.log");
        int files = 500;
        int writesPerFile = 200; // 100,000 writes, each a CLOSE_WRITE
        try (WatchProcess w = WatchProcess.lines(dir, true, "--settle", "0", "-j", "4", "-e", "close_write",
                dir.toString(), "--", "/bin/sh", "-c",
                "echo S >> " + log + "; printf '%s %s\\n' \"$1\" \"$(cat \"$1\")\" >> " + log + "; sleep 0.002; echo E >> " + log,
                "sh", "{path}")) {
            for (int round = 0; round < writesPerFile; round++) {
                String content = round == writesPerFile - 1 ? "final" : "v" + round;
                for (int f = 0; f < files; f++) {
                    Files.writeString(dir.resolve("f" + f), content);
                }
            }
            List<String> lines = awaitLog(log, l -> finals(l, dir).size() == files);
            int runningNow = 0;
            int most = 0;
            for (String line : lines) {
                if (line.equals("S")) {
                    most = Math.max(most, ++runningNow);
                } else if (line.equals("E")) {
                    runningNow--;
                }
            }
            assertTrue(most <= 4, "up to " + most + " runs at once");
            assertEquals(files, finals(lines, dir).size());
            System.out.println("runner flood: " + files * writesPerFile + " writes, "
                    + lines.stream().filter("S"::equals).count() + " runs, at most " + most + " at once");
        }
    }

    private static boolean isZombie(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException gone) {
            return true;
        }
    }

    private static Set<String> finals(List<String> lines, Path dir) {
        Set<String> out = new HashSet<>();
        for (String l : lines) {
            if (l.endsWith(" final")) {
                out.add(l);
            }
        }
        return out;
    }

    @Test
    void noLoopKeepsAHandlerThatRewritesItsFileFromLooping() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("w"));
        Path f = dir.resolve("f");
        Path g = dir.resolve("g");
        Path log = tmp.resolve("runs.log");
        try (WatchProcess w = WatchProcess.lines(dir, true, "--settle", "0", "--no-loop", "-e", "close_write",
                dir.toString(), "--", "/bin/sh", "-c", "echo \"$1\" >> " + log + "; echo again >> \"$2\"", "sh", "{name}", "{path}")) {
            Files.writeString(f, "external\n");
            awaitLog(log, l -> l.contains("f"));
            // A later, unrelated change: its run comes after any run f's own rewrite could cause.
            // Changes while f's run is active (or just ending) are ignored too, as with incron's
            // IN_NO_LOOP, so g is written again until a run of it shows up.
            List<String> runs = List.of();
            for (int attempt = 0; attempt < 100 && !runs.contains("g"); attempt++) {
                Files.writeString(g, "external\n");
                long until = System.nanoTime() + 200_000_000L;
                while (System.nanoTime() < until && !runs.contains("g")) {
                    runs = Files.exists(log) ? Files.readAllLines(log) : List.of();
                    Thread.sleep(10);
                }
            }
            assertTrue(runs.contains("g"), "g never ran: " + runs);
            List<String> ofF = new ArrayList<>(runs);
            ofF.removeIf(s -> !s.equals("f"));
            assertEquals(1, ofF.size(), "runs for f: " + runs);
            assertEquals(List.of("external", "again"), Files.readAllLines(f));
        }
    }
}
