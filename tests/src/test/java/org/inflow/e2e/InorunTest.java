package org.inflow.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `inflow inorun`: real programs run per event and node, with exactly three arguments. */
class InorunTest {
    @TempDir
    Path tmp;

    /** A program that appends one record per run: "EVENT|argc|arg1|arg2|arg3", NUL-terminated. */
    private Path recorder(String event, Path log) throws Exception {
        Path p = tmp.resolve("record-" + event);
        Files.writeString(p, "#!/bin/sh\nr=$(printf '%s|' " + event + " \"$#\" \"$@\")\nprintf '%s\\0' \"$r\" >> " + log + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private static List<String> records(Path log) throws Exception {
        List<String> out = new ArrayList<>();
        if (!Files.exists(log)) {
            return out;
        }
        String all = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
        for (String r : all.split("\0")) {
            if (!r.isEmpty()) {
                out.add(r);
            }
        }
        return out;
    }

    private static List<String> await(Path log, Predicate<List<String>> done) throws Exception {
        long deadline = System.nanoTime() + PyDaemonProcess.WAIT.toNanos();
        while (true) {
            List<String> r = records(log);
            if (done.test(r)) {
                return r;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("records never satisfied the test: " + r);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void eachEventRunsItsProgramPerNodeWithThreeArgumentsNeverThroughAShell() throws Exception {
        Path src = Files.createDirectory(tmp.resolve("src"));
        // there before the watches: a file written in a directory not watched yet has no
        // close_write to report (its listing reports it as created), and here writes are the subject
        Files.createDirectory(src.resolve("sub dir"));
        Path log = tmp.resolve("runs.log");
        Path write = recorder("W", log);
        Path delete = recorder("D", log);
        Path cfg = tmp.resolve("inorun.py");
        Files.writeString(cfg, "wpath = " + InosyncTest.py(src + "/") + "\n"
                + "rnodes = ['node1', 'node 2; touch PWNED']\n"
                + "emask = {\n    'IN_CLOSE_WRITE': " + InosyncTest.py(write.toString()) + ",\n"
                + "    'IN_DELETE': " + InosyncTest.py(delete.toString()) + ",\n}\n"
                + "edelay = 0.5\ninitevent = 'IN_CLOSE_WRITE'\nlogfile = '/nonexistent/unused.log'\n");
        try (PyDaemonProcess d = PyDaemonProcess.start("inorun", "-v", "-c", cfg.toString())) {
            // initevent: once per node, for the root itself
            List<String> init = await(log, r -> r.size() >= 2);
            assertTrue(init.contains("W|3|node1|" + src + "/||"), init.toString());
            assertTrue(init.contains("W|3|node 2; touch PWNED|" + src + "/||"), init.toString());
            d.await("watching " + src);

            String[] names = {"semi;colon", "$(touch PWNED)", "`touch PWNED`", "sp ace", "quo'te\"", "star*",
                "-dash", "new\nline"};
            for (String n : names) {
                Files.writeString(src.resolve("sub dir").resolve(n), "x");
            }
            // duplicates of one (event, file) within edelay run once
            for (int i = 0; i < 5; i++) {
                Files.writeString(src.resolve("again"), "x" + i);
            }
            Files.delete(src.resolve("sub dir").resolve("sp ace"));
            List<String> all = await(log, r -> r.size() >= 2 + 2 * (names.length + 2));
            for (String n : names) {
                for (String node : List.of("node1", "node 2; touch PWNED")) {
                    assertTrue(all.contains("W|3|" + node + "|" + src + "/|sub dir/" + n + "|"), n + " " + all);
                }
            }
            assertTrue(all.contains("D|3|node1|" + src + "/|sub dir/sp ace|"), all.toString());
            Files.writeString(src.resolve("marker"), "m");
            all = await(log, r -> r.stream().filter(x -> x.contains("|marker|")).count() == 2);
            assertEquals(2, all.stream().filter(x -> x.contains("|again|")).count(), all.toString());
            for (String r : all) {
                assertTrue(r.startsWith("W|3|") || r.startsWith("D|3|"), r);
            }
            assertFalse(Files.exists(tmp.resolve("PWNED")));
            assertFalse(Files.exists(Path.of("PWNED")));
            assertFalse(Files.exists(src.resolve("PWNED")));
            assertEquals(0, d.stop());
        }
    }

    @Test
    void programsAreCheckedAtStartAndPretendRunsNothing() throws Exception {
        Path src = Files.createDirectory(tmp.resolve("src"));
        Path cfg = tmp.resolve("inorun.py");
        Files.writeString(cfg, "wpath = " + InosyncTest.py(src.toString()) + "\nrnodes = ['n']\n"
                + "emask = {'IN_CREATE': '/bin/true',\n 'IN_DELETE': 'relative/prog'}\n");
        try (PyDaemonProcess d = PyDaemonProcess.start("inorun", "-c", cfg.toString())) {
            assertEquals(1, d.awaitExit());
            assertTrue(d.lines().contains("inorun: " + cfg + ":3:1: emask: the program for IN_DELETE 'relative/prog'"
                    + " is not an absolute path"), d.lines().toString());
        }
        Files.writeString(cfg, "wpath = " + InosyncTest.py(src.toString()) + "\nrnodes = ['n']\n"
                + "emask = {'IN_CREATE': '/nonexistent/prog'}\n");
        try (PyDaemonProcess d = PyDaemonProcess.start("inorun", "-c", cfg.toString())) {
            assertEquals(1, d.awaitExit());
            assertTrue(d.lines().get(d.lines().size() - 1).endsWith("'/nonexistent/prog' does not exist"),
                    d.lines().toString());
        }
        Path marker = tmp.resolve("ran");
        Path prog = tmp.resolve("prog");
        Files.writeString(prog, "#!/bin/sh\ntouch " + marker + "\n");
        Files.setPosixFilePermissions(prog, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(cfg, "wpath = " + InosyncTest.py(src.toString()) + "\nrnodes = ['n']\n"
                + "emask = {'IN_CREATE': " + InosyncTest.py(prog.toString()) + "}\ninitevent = 'IN_CREATE'\nedelay = 0\n");
        try (PyDaemonProcess d = PyDaemonProcess.start("inorun", "-p", "-c", cfg.toString())) {
            assertEquals("inorun: would execute " + prog + " n " + src + " '' (initevent IN_CREATE)",
                    d.await("would execute"));
            d.await("watching");
            Files.writeString(src.resolve("f g"), "x");
            assertEquals("inorun: would execute " + prog + " n " + src + " f g", d.await("f g"));
            assertFalse(Files.exists(marker));
            assertEquals(0, d.stop());
        }
    }
}
