package org.inflow.e2e.incron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spec §6 rows 36, 39-41, 44-47, 49, 55: the daemon's life (pid file, second instance, -k,
 * SIGTERM, a bad -f, table directories missing or deleted), user tables with allow/deny and
 * their owner's identity and environment, hundreds of tables on one inotify instance, no zombies.
 */
class IncronDaemonTest {
    @TempDir
    Path tmp;

    @Test
    void lifecyclePidFileAndInstances() throws Exception {
        try (IncronRig rig = new IncronRig(tmp)) {
            rig.start();
            Path pid = rig.lock.resolve("incrond.pid");
            // the pid file holds the daemon's pid, no newline
            assertEquals(Long.toString(rig.pid()), Files.readString(pid));
            // row 45: a second instance says so and exits 1
            Process second = rig.launch("-n", "-f", rig.conf.toString());
            assertTrue(second.waitFor(30, TimeUnit.SECONDS));
            assertEquals(1, second.exitValue());
            rig.awaitLog("another instance of incrond already running");
            // row 39: system-table commands: the daemon's directory and stdin (here /dev/null)
            Path env = Files.createDirectories(rig.dir.resolve("env"));
            rig.table("env", env + " IN_CREATE " + "/bin/bash -c 'pwd > " + rig.dir.resolve("cwd.txt")
                    + "; readlink /proc/self/fd/0 > " + rig.dir.resolve("stdin.txt") + "'; " + rig.handler + " env $#\n");
            rig.awaitLog("system table env: 1 entry active");
            Files.createFile(env.resolve("e"));
            rig.await("argc=2[env][e]");
            assertEquals(rig.dir + "\n", Files.readString(rig.dir.resolve("cwd.txt")));
            assertEquals("/dev/null\n", Files.readString(rig.dir.resolve("stdin.txt")));
            // row 55: no zombies after many runs
            for (int i = 0; i < 50; i++) {
                Files.createFile(env.resolve("z" + i));
            }
            rig.await("argc=2[env][z49]");
            rig.sync();
            assertEquals(List.of(), zombies(rig.pid()), "zombie children");
            // row 44: -k stops it: "stopping service", pid file removed, exit 0
            Process kill = rig.launch("-k", "-f", rig.conf.toString());
            assertTrue(kill.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, kill.exitValue());
            assertTrue(rig.process.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, rig.process.exitValue());
            rig.awaitLog("stopping service");
            assertFalse(Files.exists(pid));
            Process again = rig.launch("-k", "-f", rig.conf.toString());
            assertTrue(again.waitFor(30, TimeUnit.SECONDS));
            assertEquals(1, again.exitValue());
            rig.awaitLog("error - incrond probably not running");
            // a stale pid file (dead pid) is taken over
            Files.writeString(pid, "999999");
            rig.start();
            assertEquals(Long.toString(rig.pid()), Files.readString(pid));
        }
    }

    @Test
    void badStartsAndADeletedTableDirectory() throws Exception {
        try (IncronRig rig = new IncronRig(tmp)) {
            // row 46: -f with a missing file is an error, not a silent fallback
            Process p = rig.launch("-n", "-f", rig.dir.resolve("missing.conf").toString());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(1, p.exitValue());
            rig.awaitLog("cannot read configuration file " + rig.dir.resolve("missing.conf"));
            // row 47: a missing table directory at start: exit 1, message with its newline
            Path conf2 = rig.dir.resolve("conf2");
            Files.writeString(conf2, "system_table_dir = " + rig.dir.resolve("nosuch") + "\nlockfile_dir = " + rig.lock + "\n");
            p = rig.launch("-n", "-f", conf2.toString());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(1, p.exitValue());
            rig.awaitLog("cannot read directory for system tables (" + rig.dir.resolve("nosuch")
                    + "): (2) No such file or directory\n");
            // ... and deleted while running: said, orderly exit
            rig.start();
            Files.delete(rig.sys.resolve("zz-sync"));
            Files.delete(rig.sys);
            rig.awaitLog("base directory destroyed, exitting");
            assertTrue(rig.process.waitFor(30, TimeUnit.SECONDS));
            assertFalse(Files.exists(rig.lock.resolve("incrond.pid")));
        }
    }

    @Test
    void hundredsOfTablesOnOneInotifyInstance() throws Exception {
        try (IncronRig rig = new IncronRig(tmp)) {
            Path w = Files.createDirectories(rig.dir.resolve("w"));
            for (int i = 0; i < 150; i++) {
                Path d = Files.createDirectories(w.resolve("d" + i));
                Files.writeString(rig.sys.resolve("t" + i), d + " IN_CREATE " + rig.handler + " t" + i + " $#\n");
            }
            rig.start();
            Files.createFile(w.resolve("d0/x"));
            Files.createFile(w.resolve("d149/y"));
            rig.await("argc=2[t0][x]");
            rig.await("argc=2[t149][y]");
            int inotify = 0;
            try (Stream<Path> fds = Files.list(Path.of("/proc/" + rig.pid() + "/fd"))) {
                for (Path fd : (Iterable<Path>) fds::iterator) {
                    try {
                        if (Files.readSymbolicLink(fd).toString().contains("inotify")) {
                            inotify++;
                        }
                    } catch (IOException gone) {
                        // closed meanwhile
                    }
                }
            }
            // one for every table, one for the table directories
            assertTrue(inotify <= 2, "inotify instances: " + inotify);
        }
    }

    @Test
    void userTablesAllowDenyAndOwner() throws Exception {
        try (IncronRig rig = new IncronRig(tmp)) {
            String me = System.getProperty("user.name");
            Path w = Files.createDirectories(rig.dir.resolve("w"));
            Path envOut = rig.dir.resolve("env.txt");
            // the owner of a user table (nobody) must reach the handler and the log
            for (Path p : new Path[] {tmp, rig.dir, w}) {
                Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            }
            // row 40: an empty allow file refuses every user, root too
            Files.writeString(rig.dir.resolve("allow"), "");
            Files.writeString(rig.user.resolve(me), w + " IN_CREATE " + rig.handler + " mine $#\n");
            rig.start();
            rig.awaitLog("table for invalid user " + me + " found (ignored)");
            // row 41: the allow file is read again on every load
            Files.writeString(rig.dir.resolve("allow"), me + "\nnobody\n");
            Files.writeString(rig.user.resolve(me), w + " IN_CREATE " + rig.handler + " mine2 $#\n");
            rig.awaitLog("user " + me + ": 1 entry active");
            Files.createFile(w.resolve("a"));
            rig.await("argc=2[mine2][a]");
            if (!IncronRig.isRoot()) {
                System.out.println("IncronDaemonTest: not root: user tables run as their owner is not tested");
                return;
            }
            // row 36: a user table runs as its owner with incron's environment; row 37: a path
            // its owner may not read is not watched for him (incron leaked its names)
            Path secret = Files.createDirectories(rig.dir.resolve("secret"));
            Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            Files.writeString(rig.user.resolve("nobody"), w + " IN_CREATE /bin/bash -c '{ id -u; env | sort; } > "
                    + envOut + "'; " + rig.handler + " nobody $#\n" + secret + " IN_CREATE " + rig.handler + " leak $#\n");
            rig.awaitLog("user nobody: 1 entry active");
            Files.createFile(w.resolve("b"));
            rig.await("argc=2[nobody][b]");
            assertTrue(rig.stderr().contains(rig.user.resolve("nobody") + ":2: access denied on " + secret), rig.stderr());
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!Files.exists(envOut) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            String env = Files.readString(envOut);
            assertTrue(env.startsWith("65534\n"), env);
            for (String v : new String[] {"LOGNAME=nobody", "USER=nobody", "USERNAME=nobody",
                "PATH=/usr/local/bin:/usr/bin:/bin:/usr/X11R6/bin", "HOME=", "SHELL="}) {
                assertTrue(env.contains("\n" + v), v + " missing: " + env);
            }
            assertFalse(env.contains("JAVA_HOME=") || env.contains("MAVEN"), "the daemon's environment leaked: " + env);
        }
    }

    private static List<String> zombies(long pid) throws IOException {
        List<String> out = new java.util.ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                try {
                    String stat = Files.readString(p.resolve("stat"), StandardCharsets.ISO_8859_1);
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (f[0].equals("Z") && f[1].equals(Long.toString(pid))) {
                        out.add(stat);
                    }
                } catch (IOException | RuntimeException notAProcess) {
                    // gone or not a pid
                }
            }
        }
        return out;
    }
}
