package org.inflow.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `inflow inosync`: real rsync to local destination directories. */
class InosyncTest {
    private static final Pattern LISTED = Pattern.compile("\\((\\d+) changed paths? on stdin\\)");

    @TempDir
    Path tmp;

    /** A Python string literal for any text. */
    static String py(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'";
    }

    private Path config(String body) throws Exception {
        Path cfg = tmp.resolve("inosync.py");
        Files.writeString(cfg, body);
        return cfg;
    }

    private static void write(Path p, String text) throws Exception {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    /** Paths listed to incremental runs, over the whole log. */
    private static int listed(List<String> log) {
        int n = 0;
        for (String l : log) {
            Matcher m = LISTED.matcher(l);
            if (l.contains("executing") && m.find()) {
                n += Integer.parseInt(m.group(1));
            }
        }
        return n;
    }

    @Test
    void initialThenIncrementalSyncOfCreatesChangesDeletesRenamesAndHostileNames() throws Exception {
        Path src = Files.createDirectory(tmp.resolve("src"));
        write(src.resolve("a.txt"), "a");
        write(src.resolve("d1/d2/f"), "f");
        write(src.resolve("with space"), "s");
        write(src.resolve("semi;colon $(touch PWNED)"), "x");
        Path m1 = Files.createDirectory(tmp.resolve("m1"));
        Path m2 = tmp.resolve("m2"); // rsync makes it
        Path cfg = config("wpath = " + py(src + "/") + "\nrnodes = [" + py(m1 + "/") + ", " + py(m2.toString())
                + "]\nedelay = 0.2\n");
        try (PyDaemonProcess d = PyDaemonProcess.start("inosync", "-v", "-c", cfg.toString())) {
            d.await("resuming normal operations");
            PyDaemonProcess.awaitSame(src, m1);
            PyDaemonProcess.awaitSame(src, m2);

            write(src.resolve("new file 'quote\" `x` *[1]?"), "n");
            write(src.resolve("a.txt"), "changed");
            Files.delete(src.resolve("d1/d2/f"));
            Files.move(src.resolve("with space"), src.resolve("renamed & $HOME"));
            Files.move(src.resolve("d1"), src.resolve("d1 moved"));
            write(src.resolve("n/o/p/deep"), "deep");
            write(src.resolve("new\nline"), "nl");
            write(src.resolve("-leading dash"), "dash");
            WatchTestKit.sh(src, "printf x > \"$(printf 'not\\377utf8')\"; mkdir \"$(printf 'dir\\376')\";"
                    + " printf y > \"$(printf 'dir\\376/in\\375')\"");
            Files.delete(src.resolve("semi;colon $(touch PWNED)"));
            PyDaemonProcess.awaitSame(src, m1);
            PyDaemonProcess.awaitSame(src, m2);

            // a second wave on what the first created; a directory becomes a file of its name
            WatchTestKit.sh(src, "rm -r 'd1 moved' && echo now-a-file > 'd1 moved'");
            Files.move(src.resolve("n"), src.resolve("n2"));
            write(src.resolve("n2/o/p/deeper"), "x");
            Files.delete(src.resolve("renamed & $HOME"));
            PyDaemonProcess.awaitSame(src, m1);
            PyDaemonProcess.awaitSame(src, m2);

            assertFalse(Files.exists(tmp.resolve("PWNED")));
            assertFalse(Files.exists(Path.of("PWNED")));
            List<String> log = d.lines();
            assertFalse(log.stream().anyMatch(l -> l.contains("failed")), log.toString());
            assertEquals(2, log.stream().filter(l -> l.contains("full synchronization to")).count(), log.toString());
            assertTrue(listed(log) > 0, log.toString());
            assertEquals(0, d.stop());
        }
    }

    @Test
    void excludedPathsAreNotSyncedNotWatchedAndTriggerNothing() throws Exception {
        Path src = Files.createDirectory(tmp.resolve("src"));
        write(src.resolve("keep"), "k");
        write(src.resolve("cache/old"), "c");
        write(src.resolve("sub/build/o"), "o");
        write(src.resolve("sub/x.tmp"), "t");
        Path mirror = Files.createDirectory(tmp.resolve("mirror"));
        // no trailing slash: rsync copies the directory itself, and anchored patterns start with its name
        Path cfg = config("wpath = " + py(src.toString()) + "\nrnodes = [" + py(mirror.toString()) + "]\n"
                + "rexcludes = ['/src/cache', '*.tmp', 'build/']\nedelay = 0.2\n");
        try (PyDaemonProcess d = PyDaemonProcess.start("inosync", "-v", "-c", cfg.toString())) {
            d.await("full synchronization to");
            Path out = mirror.resolve("src");
            assertTrue(Files.exists(out.resolve("keep")));
            assertFalse(Files.exists(out.resolve("cache")));
            assertFalse(Files.exists(out.resolve("sub/build")));
            assertFalse(Files.exists(out.resolve("sub/x.tmp")));
            // src and src/sub are watched; cache and sub/build are not
            assertEquals(2, WatchProcess.inotifyWatchLines(d.process.pid()).size());

            write(src.resolve("cache/new"), "c");
            Files.createDirectories(src.resolve("cache/deeper/still"));
            write(src.resolve("sub/build/o2"), "o");
            write(src.resolve("y.tmp"), "t");
            write(src.resolve("sub/z.tmp"), "t");
            write(src.resolve("marker"), "m");
            d.awaitLines(l -> Files.exists(out.resolve("marker")) && l.stream().anyMatch(x -> x.contains("path to")),
                    "the marker's run");
            assertEquals(1, listed(d.lines()), d.lines().toString()); // the marker alone
            assertFalse(Files.exists(out.resolve("cache")));
            assertFalse(Files.exists(out.resolve("y.tmp")));
            assertEquals(2, WatchProcess.inotifyWatchLines(d.process.pid()).size());
            assertEquals(0, d.stop());
        }
    }

    @Test
    void aFailingDestinationKeepsItsChangesAndIsRetriedWhileOthersGoOn() throws Exception {
        Path src = Files.createDirectory(tmp.resolve("src"));
        write(src.resolve("first"), "1");
        Path good = Files.createDirectory(tmp.resolve("good"));
        Path base = Files.createDirectory(tmp.resolve("base"));
        Path bad = base.resolve("m");
        Path away = tmp.resolve("away");
        Path cfg = config("wpath = " + py(src + "/") + "\nrnodes = [" + py(bad + "/") + ", " + py(good + "/")
                + "]\nedelay = 0.1\n");
        try (PyDaemonProcess d = PyDaemonProcess.start("inosync", "-v", "-c", cfg.toString())) {
            d.await("resuming normal operations");
            PyDaemonProcess.awaitSame(src, good);
            PyDaemonProcess.awaitSame(src, bad);

            // the destination's parent disappears: rsync cannot create it, whoever runs it
            Files.move(base, away);
            write(src.resolve("second"), "2");
            Files.delete(src.resolve("first"));
            write(src.resolve("dir with space/third"), "3");
            PyDaemonProcess.awaitSame(src, good);
            d.await("rsync to " + bad + "/ failed");
            write(src.resolve("fourth"), "4");
            PyDaemonProcess.awaitSame(src, good);
            d.awaitLines(l -> l.stream().filter(x -> x.contains("rsync to " + bad + "/ failed")).count() >= 2,
                    "a retry that failed too");

            Files.move(away, base);
            PyDaemonProcess.awaitSame(src, bad);
            assertEquals(0, d.stop());
        }
    }

    @Test
    void aBurstOfTenThousandChangesCostsAHandfulOfRunsPerNode() throws Exception {
        Path src = Files.createDirectory(tmp.resolve("src"));
        Path m1 = Files.createDirectory(tmp.resolve("m1"));
        Path m2 = Files.createDirectory(tmp.resolve("m2"));
        Path runs = tmp.resolve("runs");
        // the real rsync behind a wrapper that counts its runs per destination
        Path wrapper = tmp.resolve("rsync-counting");
        Files.writeString(wrapper, "#!/bin/sh\nfor last; do :; done\necho \"$last\" >> " + runs
                + "\nexec /usr/bin/rsync \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path cfg = config("wpath = " + py(src + "/") + "\nrnodes = [" + py(m1 + "/") + ", " + py(m2 + "/")
                + "]\nedelay = 2\nrsync = " + py(wrapper.toString()) + "\n");
        try (PyDaemonProcess d = PyDaemonProcess.start("inosync", "-c", cfg.toString())) {
            d.await("resuming normal operations");
            d.awaitLines(l -> l.stream().filter(x -> x.contains("full synchronization to")).count() == 2, "both full runs");
            long t0 = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                Path dir = Files.createDirectory(src.resolve("d" + i));
                for (int k = 0; k < 99; k++) {
                    Files.writeString(dir.resolve("f" + k), "x");
                }
            }
            long burstMillis = (System.nanoTime() - t0) / 1_000_000;
            PyDaemonProcess.awaitSame(src, m1);
            PyDaemonProcess.awaitSame(src, m2);
            List<String> all = Files.readAllLines(runs, StandardCharsets.UTF_8);
            long toM1 = all.stream().filter(l -> l.equals(m1 + "/")).count() - 1;
            long toM2 = all.stream().filter(l -> l.equals(m2 + "/")).count() - 1;
            System.out.println("10,000 changes made in " + burstMillis + " ms: " + toM1 + " and " + toM2
                    + " incremental rsync runs");
            assertTrue(toM1 >= 1 && toM1 <= 5, "runs to m1: " + toM1);
            assertTrue(toM2 >= 1 && toM2 <= 5, "runs to m2: " + toM2);
            assertEquals(0, d.stop());
        }
    }

    @Test
    void pretendLogsTheExactCommandsAndRunsNothing() throws Exception {
        Path src = Files.createDirectory(tmp.resolve("src"));
        write(src.resolve("a"), "a");
        Path mirror = tmp.resolve("mirror");
        Path cfg = config("wpath = " + py(src + "/") + "\nrpath = " + py(mirror + "/") + "\nrnodes = ['' + rpath]\n"
                + "rspeed = 100\nlogfile = " + py(tmp.resolve("rsync.log").toString()) + "\nrexcludes = ['*.o']\n"
                + "edelay = 0\nextra = '--rsh=ssh'\n");
        try (PyDaemonProcess d = PyDaemonProcess.start("inosync", "-p", "-c", cfg.toString())) {
            String full = d.await("would execute");
            assertEquals("inosync: would execute `/usr/bin/rsync -ltrp --delete --bwlimit=100 --log-file="
                    + tmp.resolve("rsync.log") + " '--exclude=*.o' " + src + "/ " + mirror + "/'", full);
            assertTrue(d.lines().stream().anyMatch(l -> l.contains(cfg + ":8: unknown setting 'extra' is ignored")),
                    d.lines().toString());
            d.await("resuming normal operations");
            write(src.resolve("b c"), "b");
            String inc = d.await("changed path");
            assertTrue(inc.contains("--from0 --files-from=- --delete-missing-args " + src + "/ " + mirror + "/'"), inc);
            assertFalse(Files.exists(mirror));
            assertEquals(0, d.stop());
        }
    }

    @Test
    void badConfigurationsAreRefusedWithFileLineAndColumn() throws Exception {
        Path cfg = config("wpath = '/tmp'\nimport os\n");
        try (PyDaemonProcess d = PyDaemonProcess.start("inosync", "-c", cfg.toString())) {
            assertEquals(1, d.awaitExit());
            assertTrue(d.lines().contains("inosync: " + cfg + ":2:1: expected NAME = VALUE but found 'import': only"
                    + " assignments of literals are supported"), d.lines().toString());
        }
        cfg = config("wpath = '" + tmp.resolve("nope") + "'\nrnodes = ['/x']\n");
        try (PyDaemonProcess d = PyDaemonProcess.start("inosync", "-c", cfg.toString())) {
            assertEquals(1, d.awaitExit());
            assertTrue(d.lines().contains("inosync: " + cfg + ":1:1: wpath '" + tmp.resolve("nope") + "' does not exist"),
                    d.lines().toString());
        }
        try (PyDaemonProcess d = PyDaemonProcess.start("inosync", "--bogus")) {
            assertEquals(2, d.awaitExit());
            assertTrue(d.lines().contains("inosync: error: no such option: --bogus"), d.lines().toString());
        }
    }

    @Test
    void sighupRereadsTheConfigurationAndABadOneKeepsTheRunningOne() throws Exception {
        Path src = Files.createDirectory(tmp.resolve("src"));
        write(src.resolve("a"), "a");
        Path m1 = Files.createDirectory(tmp.resolve("m1"));
        Path m2 = Files.createDirectory(tmp.resolve("m2"));
        Path cfg = config("wpath = " + py(src + "/") + "\nrnodes = [" + py(m1 + "/") + "]\nedelay = 0.1\n");
        try (PyDaemonProcess d = PyDaemonProcess.start("inosync", "-v", "-c", cfg.toString())) {
            d.await("resuming normal operations");
            PyDaemonProcess.awaitSame(src, m1);

            Files.writeString(cfg, "wpath = " + py(src + "/") + "\nrnodes = [" + py(m1 + "/") + ", " + py(m2 + "/")
                    + "]\nedelay = 0.1\n");
            Signals.hup(d.process.pid());
            d.await("full synchronization to " + m2);
            PyDaemonProcess.awaitSame(src, m2);

            Files.writeString(cfg, "wpath = " + py(src + "/") + "\nrnodes = [os.getenv('X')]\n");
            Signals.hup(d.process.pid());
            d.await("(the running configuration stays)");
            write(src.resolve("b"), "b");
            PyDaemonProcess.awaitSame(src, m1);
            PyDaemonProcess.awaitSame(src, m2);
            assertEquals(0, d.stop());
        }
    }

    @Test
    void sigtermLetsARunningRsyncFinish() throws Exception {
        Path src = Files.createDirectory(tmp.resolve("src"));
        write(src.resolve("a"), "a");
        Path mirror = Files.createDirectory(tmp.resolve("mirror"));
        Path started = tmp.resolve("started");
        Path slow = tmp.resolve("rsync-slow");
        // the full run announces itself, then takes a while before it copies
        Files.writeString(slow, "#!/bin/sh\ntouch " + started + "\nsleep 1\nexec /usr/bin/rsync \"$@\"\n");
        Files.setPosixFilePermissions(slow, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path cfg = config("wpath = " + py(src + "/") + "\nrnodes = [" + py(mirror + "/") + "]\nrsync = "
                + py(slow.toString()) + "\n");
        try (PyDaemonProcess d = PyDaemonProcess.start("inosync", "-c", cfg.toString())) {
            d.await("resuming normal operations");
            while (!Files.exists(started)) {
                Thread.sleep(10);
            }
            assertEquals(0, d.stop());
            assertEquals("", PyDaemonProcess.diff(src, mirror));
            assertTrue(d.lines().stream().anyMatch(l -> l.contains("full synchronization to")), d.lines().toString());
        }
    }

    @Test
    void detachesAndKeepsMirroring() throws Exception {
        Path src = Files.createDirectory(tmp.resolve("src"));
        write(src.resolve("a"), "a");
        Path mirror = Files.createDirectory(tmp.resolve("mirror"));
        Path cfg = config("wpath = " + py(src + "/") + "\nrnodes = [" + py(mirror + "/") + "]\nedelay = 0.1\n");
        long pid = -1;
        try (PyDaemonProcess d = PyDaemonProcess.start("inosync", "-d", "-c", cfg.toString())) {
            assertEquals(0, d.awaitExit()); // the launcher returns once the daemon is set up
            pid = Signals.find(cfg.toString());
            assertTrue(pid > 0, "no background inosync found");
            PyDaemonProcess.awaitSame(src, mirror);
            write(src.resolve("b c"), "b");
            PyDaemonProcess.awaitSame(src, mirror);
        } finally {
            if (pid > 0) {
                Signals.term(pid);
            }
        }
    }

    @Test
    void aRenamedDirectoryIsRenamedOnALocalDestinationNotSentAgain() throws Exception {
        Path src = Files.createDirectory(tmp.resolve("src"));
        write(src.resolve("big dir/data"), "x".repeat(1 << 20));
        write(src.resolve("big dir/sub/more"), "y".repeat(1 << 16));
        Path mirror = Files.createDirectory(tmp.resolve("mirror"));
        Path cfg = config("wpath = " + py(src.toString()) + "\nrnodes = [" + py(mirror.toString()) + "]\nedelay = 0.2\n");
        try (PyDaemonProcess d = PyDaemonProcess.start("inosync", "-v", "-c", cfg.toString())) {
            d.await("resuming normal operations");
            Path out = mirror.resolve("src");
            PyDaemonProcess.awaitSame(src, out);
            Object before = Files.getAttribute(out.resolve("big dir/data"), "unix:ino");
            Files.move(src.resolve("big dir"), src.resolve("renamed dir"));
            PyDaemonProcess.awaitSame(src, out);
            d.await("renamed " + out.resolve("big dir") + " to " + out.resolve("renamed dir"));
            // the same file, renamed with its directory: not a new copy
            assertEquals(before, Files.getAttribute(out.resolve("renamed dir/data"), "unix:ino"));
            assertEquals(0, d.stop());
        }
    }

    /** Random creates, writes, deletes, renames and type changes, as fast as they come. */
    @Test
    void afterAStormOfChangesEveryMirrorIsTheSource() throws Exception {
        Path src = Files.createDirectory(tmp.resolve("src"));
        Path m1 = Files.createDirectory(tmp.resolve("m1"));
        Path m2 = Files.createDirectory(tmp.resolve("m2"));
        Path cfg = config("wpath = " + py(src + "/") + "\nrnodes = [" + py(m1 + "/") + ", " + py(m2 + "/")
                + "]\nedelay = 0.3\n");
        long seed = Long.getLong("storm.seed", System.nanoTime());
        java.util.Random rnd = new java.util.Random(seed);
        try (PyDaemonProcess d = PyDaemonProcess.start("inosync", "-c", cfg.toString())) {
            d.await("resuming normal operations");
            List<Path> dirs = new java.util.ArrayList<>(List.of(src));
            List<Path> files = new java.util.ArrayList<>();
            for (int op = 0; op < 3000; op++) {
                Path dir = dirs.get(rnd.nextInt(dirs.size()));
                if (!Files.isDirectory(dir)) {
                    dirs.remove(dir);
                    continue;
                }
                String name = "n" + rnd.nextInt(40) + (rnd.nextInt(8) == 0 ? " $(x);'" : "");
                Path p = dir.resolve(name);
                try {
                    switch (rnd.nextInt(10)) {
                        case 0:
                        case 1:
                            Files.createDirectories(p);
                            dirs.add(p);
                            break;
                        case 2:
                        case 3:
                        case 4:
                            Files.writeString(p, "v" + op);
                            files.add(p);
                            break;
                        case 5:
                            if (!files.isEmpty()) {
                                Files.deleteIfExists(files.remove(rnd.nextInt(files.size())));
                            }
                            break;
                        case 6:
                            if (dirs.size() > 1) {
                                Path gone = dirs.remove(1 + rnd.nextInt(dirs.size() - 1));
                                WatchTestKit.sh(src, "rm -rf -- \"$1\"", gone.toString());
                            }
                            break;
                        case 7:
                        case 8:
                            if (dirs.size() > 1) {
                                Path from = dirs.get(1 + rnd.nextInt(dirs.size() - 1));
                                if (!p.startsWith(from)) {
                                    Files.move(from, p);
                                    dirs.add(p);
                                }
                            }
                            break;
                        default:
                            if (!files.isEmpty()) {
                                Files.move(files.get(rnd.nextInt(files.size())), p);
                                files.add(p);
                            }
                            break;
                    }
                } catch (java.io.IOException taken) {
                    // the name is taken by another kind, or something moved away: the storm goes on
                }
            }
            PyDaemonProcess.awaitSame(src, m1);
            PyDaemonProcess.awaitSame(src, m2);
            System.out.println("storm seed " + seed + " (rerun: -Dstorm.seed=" + seed + "): " + d.lines().stream()
                    .filter(l -> l.contains("failed")).count() + " failed runs");
            assertEquals(0, d.stop());
        }
    }
}
