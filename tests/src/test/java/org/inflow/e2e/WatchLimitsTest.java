package org.inflow.e2e;

import static org.inflow.e2e.WatchTestKit.TIMEOUT;
import static org.inflow.e2e.WatchTestKit.bytes;
import static org.inflow.e2e.WatchTestKit.child;
import static org.inflow.e2e.WatchTestKit.count;
import static org.inflow.e2e.WatchTestKit.inode;
import static org.inflow.e2e.WatchTestKit.isMarker;
import static org.inflow.e2e.WatchTestKit.printable;
import static org.inflow.e2e.WatchTestKit.sh;
import static org.inflow.e2e.WatchTestKit.show;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kernel limits: a queue overflow is followed by a rescan that reports what exists; an exhausted
 * watch limit is explained and the rest keeps working. Both lower a system-wide sysctl for a
 * moment (root only) and put it back as soon as the watch process has started.
 */
class WatchLimitsTest {

    @TempDir
    Path tmp;

    private static void assumeRoot() {
        boolean root = WatchTestKit.isRoot();
        if (!root) {
            System.out.println("WatchLimitsTest skipped: needs root to lower fs.inotify sysctls temporarily");
        }
        assumeTrue(root, "needs root (uid 0 and a writable /proc/sys/fs/inotify) to lower fs.inotify limits");
    }

    @Test
    void queueOverflowIsReportedAndRescanListsEverything() throws Exception {
        assumeRoot();
        Path d = Files.createDirectories(tmp.toRealPath().resolve("root"));
        Files.createDirectories(d.resolve("burst"));
        long oldQueue = WatchTestKit.readSysctl("max_queued_events");
        WatchProcess started;
        // the queue size is fixed at inotify_init: lower it for the start only
        WatchTestKit.writeSysctl("max_queued_events", 64);
        try {
            started = WatchProcess.records(d, "-m", "-r", "-e", "create,delete,moved_from,moved_to,close_write", d.toString());
        } finally {
            WatchTestKit.writeSysctl("max_queued_events", oldQueue);
        }
        try (WatchProcess w = started) {
            w.sync();
            // two writers at full speed (touch creates a batch of files in one process each)
            sh(d.resolve("burst"), "seq -f f%g 0 5999 | xargs touch & seq -f h%g 0 5999 | xargs touch; wait; "
                    + "mkdir sub && (cd sub && seq -f g%g 0 599 | xargs touch); "
                    + "rm f1 f2 f3 && mv f10 moved10 && mkdir -p sub/x/y && : > sub/x/y/deep");
            int overflow;
            try {
                overflow = w.await(0, r -> WatchProcess.Event.parse(r).has("Q_OVERFLOW"), TIMEOUT);
            } catch (AssertionError none) {
                List<WatchProcess.Event> all = w.events();
                throw new AssertionError("no Q_OVERFLOW with max_queued_events=64 after a burst of 12,600 creates; "
                        + all.size() + " records, the last ones:\n" + show(all.subList(Math.max(0, all.size() - 20), all.size()))
                        + "stderr:\n" + w.stderr(), none);
            }

            // wait until the rescan after the last overflow has ended and a marker went through
            int lastOverflow;
            int end;
            do {
                lastOverflow = lastIndex(w.events(), "Q_OVERFLOW");
                int from = lastOverflow;
                w.await(from, r -> new String(r, StandardCharsets.US_ASCII).startsWith("RESCAN_END"), TIMEOUT);
                end = w.sync();
            } while (lastIndex(w.events(), "Q_OVERFLOW") != lastOverflow);

            List<WatchProcess.Event> ev = w.events().subList(0, end);
            int begin = firstIndex(ev, overflow, "RESCAN_BEGIN");
            int rescanEnd = firstIndex(ev, begin, "RESCAN_END");
            assertTrue(begin > overflow && rescanEnd > begin, () -> "Q_OVERFLOW, RESCAN_BEGIN, RESCAN_END in order:\n" + show(ev));
            assertEquals(d + "/", ev.get(begin).pathString(), "RESCAN_BEGIN names the root");
            for (WatchProcess.Event e : ev.subList(begin + 1, rescanEnd)) {
                if (!isMarker(e)) {
                    assertTrue(e.has("RESCAN") && e.has("CREATE"), () -> "inside a rescan: CREATE[,ISDIR],RESCAN lines, not " + e);
                }
            }
            assertTrue(w.stderr().contains("raise fs.inotify.max_queued_events") || w.stderr().contains("overflow"),
                    () -> "stderr explains the overflow:\n" + w.stderr());

            // nothing missing: every entry on disk is reported as an event or a RESCAN line
            Set<ByteBuffer> reported = new HashSet<>();
            for (WatchProcess.Event e : ev) {
                if (e.has("CREATE") || e.has("CLOSE_WRITE") || e.has("MOVED_TO") || e.has("RESCAN")) {
                    reported.add(ByteBuffer.wrap(e.path));
                }
            }
            List<String> missing = new ArrayList<>();
            int onDisk = 0;
            try (Stream<Path> all = Files.walk(d)) {
                for (Path p : (Iterable<Path>) all::iterator) {
                    if (p.equals(d) || p.getFileName().toString().startsWith(".inflow-sync-")) {
                        continue;
                    }
                    onDisk++;
                    if (!reported.contains(ByteBuffer.wrap(bytes(p.toString())))) {
                        missing.add(d.relativize(p).toString());
                    }
                }
            }
            int entries = onDisk;
            assertTrue(entries > 12000, "the burst happened");
            assertTrue(missing.isEmpty(), () -> missing.size() + " of " + entries + " entries never reported: "
                    + missing.subList(0, Math.min(30, missing.size())) + "\nstderr:\n" + w.stderr());
            // after the rescan the tree is watched as before
            assertEquals(5, w.watchCount(), "root, burst, burst/sub, burst/sub/x, burst/sub/x/y");
            Files.write(d.resolve("burst/sub/x/y/after"), bytes("x"));
            int last = w.sync();
            List<WatchProcess.Event> after = w.events().subList(end, last);
            assertEquals(1, count(after, child(d, "burst/sub/x/y/after"), "CREATE"), () -> show(after));
        }
    }

    @Test
    void exhaustedWatchLimitIsExplainedAndTheRestKeepsWorking() throws Exception {
        assumeRoot();
        Path d = Files.createDirectories(tmp.toRealPath().resolve("root"));
        int dirs = 1000;
        sh(d, "i=0; while [ $i -lt " + dirs + " ]; do mkdir d$i; i=$((i+1)); done");
        long oldLimit = WatchTestKit.readSysctl("max_user_watches");
        // the limit is per user and shared: leave what others hold plus room for ~200 of ours
        long limit = WatchTestKit.inotifyWatchesInUse() + 200;
        assumeTrue(limit < oldLimit, "the current limit is already too low to test");
        WatchProcess started;
        WatchTestKit.writeSysctl("max_user_watches", limit);
        try {
            started = WatchProcess.records(d, "-m", "-r", d.toString());
        } finally {
            WatchTestKit.writeSysctl("max_user_watches", oldLimit);
        }
        try (WatchProcess w = started) {
            assertEquals(oldLimit, WatchTestKit.readSysctl("max_user_watches"), "restored");
            String err = w.stderr();
            Set<Long> inodes = WatchTestKit.watchedInodes(w);
            // other processes of this user may have taken the room meanwhile (the limit is shared)
            if (inodes.isEmpty()) {
                System.out.println("exhaustedWatchLimit...: skipped, no room left under the lowered limit:\n" + err);
            }
            assumeTrue(!inodes.isEmpty(),
                    "other processes of this user took every watch left under the lowered limit; stderr:\n" + err);
            int held = inodes.size();
            assertTrue(held < dirs + 1, "some left unwatched: " + held);
            assertTrue(err.contains("inotify watch limit"), () -> "message names the limit:\n" + err);
            assertTrue(err.contains("max_user_watches"), err);
            assertTrue(err.contains("sysctl fs.inotify.max_user_watches="), err);
            assertTrue(err.contains(Long.toString(limit)), () -> "message gives the current limit " + limit + ":\n" + err);
            assertTrue(err.contains(d.toString()), () -> "message names the path:\n" + err);
            int unwatched = dirs + 1 - held;
            assertTrue(Pattern.compile("\\b" + unwatched + "\\b").matcher(err).find(),
                    () -> "message gives the " + unwatched + " directories left unwatched:\n" + err);
            Matcher fix = Pattern.compile("sysctl fs\\.inotify\\.max_user_watches=(\\d+)").matcher(err);
            assertTrue(fix.find() && Long.parseLong(fix.group(1)) >= limit + unwatched,
                    () -> "the suggested value covers what is missing:\n" + err);
            assertTrue(w.process.isAlive(), "still running");

            // what did get watched keeps reporting
            List<Path> watchedSubs = new ArrayList<>();
            for (int i = 0; i < dirs && watchedSubs.size() < 5; i++) {
                if (inodes.contains(inode(d.resolve("d" + i)))) {
                    watchedSubs.add(d.resolve("d" + i));
                }
            }
            // markers go to a directory that is watched (the root may not be)
            Path syncDir = inodes.contains(inode(d)) ? d : watchedSubs.get(0);
            int s = WatchTestKit.syncIn(w, syncDir);
            for (Path sub : watchedSubs) {
                Files.write(sub.resolve("f"), bytes("x"));
            }
            Files.write(d.resolve("rootfile"), bytes("x"));
            int e = WatchTestKit.syncIn(w, syncDir);
            List<WatchProcess.Event> ev = w.events().subList(s, e);
            for (Path sub : watchedSubs) {
                assertEquals(1, count(ev, bytes(sub.resolve("f").toString()), "CREATE"),
                        () -> "CREATE " + printable(bytes(sub.resolve("f").toString())) + ":\n" + show(ev));
            }
            assertTrue(w.process.isAlive(), "still running");

            // the root itself is the directory that matters most: it must be among the watched
            assertTrue(inodes.contains(inode(d)), () -> "the root " + d + " is not watched (" + held
                    + " watches under it went to subdirectories); stderr:\n" + err);
            assertEquals(1, count(ev, child(d, "rootfile"), "CREATE"), () -> show(ev));
            // with the limit back up, a new directory is watched as usual
            Files.createDirectory(d.resolve("fresh"));
            w.sync();
            Files.write(d.resolve("fresh/f"), bytes("x"));
            int e2 = w.sync();
            List<WatchProcess.Event> ev2 = w.events().subList(e, e2);
            assertEquals(1, count(ev2, child(d, "fresh/f"), "CREATE"), () -> show(ev2));
        }
    }

    private static int lastIndex(List<WatchProcess.Event> ev, String name) {
        for (int i = ev.size() - 1; i >= 0; i--) {
            if (ev.get(i).has(name)) {
                return i;
            }
        }
        return -1;
    }

    private static int firstIndex(List<WatchProcess.Event> ev, int from, String name) {
        for (int i = Math.max(0, from); i < ev.size(); i++) {
            if (ev.get(i).has(name)) {
                return i;
            }
        }
        return -1;
    }
}
