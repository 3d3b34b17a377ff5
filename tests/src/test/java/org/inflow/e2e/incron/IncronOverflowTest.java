package org.inflow.e2e.incron;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spec §6 row 42: lost events are logged (incron said nothing) and an entry asking for
 * IN_Q_OVERFLOW runs; one that does not ask runs nothing for it. As in the spec's experiment the
 * daemon is stopped (SIGSTOP) while more files are made than the kernel queue holds.
 */
class IncronOverflowTest {
    @TempDir
    Path tmp;

    @Test
    void overflowIsLoggedAndRunsOnlyWhereAsked() throws Exception {
        int queue;
        // a stream: procfs files report size 0, and a size-guided read may stop early
        try (var in = Files.newInputStream(Path.of("/proc/sys/fs/inotify/max_queued_events"))) {
            queue = Integer.parseInt(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim());
        }
        if (queue > 100_000) {
            System.out.println("IncronOverflowTest: max_queued_events is " + queue + ": too many files to make; skipped");
            return;
        }
        try (IncronRig rig = new IncronRig(tmp)) {
            Path o = Files.createDirectories(rig.dir.resolve("o"));
            // glob entries: the directory is watched for IN_CREATE, but no name matches, so the
            // flood itself runs nothing
            rig.table("ovf", o + "/*.never IN_CREATE,IN_Q_OVERFLOW " + rig.handler + " ovf $@ $# $%\n");
            rig.table("plain", o + "/*.never IN_CREATE " + rig.handler + " plain $@ $%\n");
            rig.start();
            signal("STOP", rig.pid());
            try {
                for (int i = 0; i < queue + 500; i++) {
                    Files.createFile(o.resolve("f" + i));
                }
            } finally {
                signal("CONT", rig.pid());
            }
            rig.awaitLog(rig.sys.resolve("ovf") + ":1: events lost under " + o);
            rig.awaitLog(rig.sys.resolve("plain") + ":1: events lost under " + o);
            rig.await("argc=3[ovf][" + o + "][IN_Q_OVERFLOW]");
            rig.sync();
            List<String> runs = rig.runs();
            for (String r : runs) {
                assertFalse(r.startsWith("argc=3[plain]"), "an entry that did not ask for IN_Q_OVERFLOW ran: " + r);
            }
        }
    }

    private static void signal(String sig, long pid) throws Exception {
        new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start().waitFor();
    }
}
