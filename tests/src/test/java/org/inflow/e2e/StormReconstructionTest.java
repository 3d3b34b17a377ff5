package org.inflow.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The foundation issue's "must show": a storm of mixed operations (mkdir -p with immediate
 * files, subtree renames followed by writes inside, moves out and back in, `cp -a` of a
 * 1,000-directory tree into the root, random creates and deletes, rm -rf of subtrees, on a
 * 10,000-directory tree) yields, through `inflow watch -m -r`, an event stream from which the
 * final tree can be rebuilt exactly: no missed path, no phantom path, no overflow at the
 * default kernel queue size.
 *
 * <p>The storm is a generated /bin/sh script ({@link StormScript}), so it runs as fast as real
 * commands do. The consumer ({@link StormView}) knows only the tree at "Watches established."
 * and the events.
 *
 * <p>System properties (bench/compare/storm passes them for a bigger run):
 * <ul>
 * <li>storm.seed: the storm to generate (default: a new one each run; printed, and in every
 *     failure message, so a failing storm can be replayed);
 * <li>storm.scale (default 1): multiplies the operations (3,000) and the cp -a copies (1);
 *     storm.ops, storm.copies, storm.dirs (10,000) set them one by one;
 * <li>storm.tmp=DIR: where the trees go (default java.io.tmpdir); storm.keep=true keeps them;
 * <li>diagnostics, to tell failure classes apart: storm.outsidePause=SECONDS (a sleep before
 *     each operation on a subtree that was moved out, so none closely follows its way out),
 *     storm.moveOut=false (no subtree leaves the tree), storm.stallMs=MS (SIGSTOP the watcher
 *     that long early in the storm: it falls behind, and if the backlog passes the kernel queue
 *     size, the tree must come back through the RESCAN records; the no-overflow check is off).
 * </ul>
 * The generated script, and on failure the event log, stay in target/storm/.
 */
class StormReconstructionTest {
    private static final String EVENTS = "create,delete,moved_from,moved_to,close_write";

    @Test
    @Timeout(value = 60, unit = TimeUnit.MINUTES) // a safety net: the waits below are bounded and scale with the storm
    void finalTreeIsRebuiltExactlyFromTheEvents() throws Exception {
        long seed = Long.getLong("storm.seed", System.nanoTime() ^ System.currentTimeMillis());
        int scale = Integer.getInteger("storm.scale", 1);
        int ops = Integer.getInteger("storm.ops", 3000 * scale);
        int copies = Integer.getInteger("storm.copies", scale);
        int dirs = Integer.getInteger("storm.dirs", 10_000);
        boolean keep = Boolean.getBoolean("storm.keep");
        long stallMs = Long.getLong("storm.stallMs", 0);
        System.out.printf("storm: seed=%d scale=%d ops=%d copies=%d dirs=%d (rerun: -Dstorm.seed=%d)%n",
                seed, scale, ops, copies, dirs, seed);

        long queued = sysctl("max_queued_events");
        long watchLimit = sysctl("max_user_watches");
        System.out.printf("storm: fs.inotify.max_queued_events=%d%s, max_user_watches=%d%n", queued,
                queued == 16384 ? " (the default)" : " (NOT the default 16384: the no-overflow check is weaker or stronger)",
                watchLimit);
        long watchesNeeded = dirs + (long) copies * 1000 + ops * 3L + 1000;
        if (watchLimit > 0 && watchLimit < watchesNeeded) {
            fail("fs.inotify.max_user_watches=" + watchLimit + " is too low for this storm (needs about "
                    + watchesNeeded + "): sysctl fs.inotify.max_user_watches=" + (watchesNeeded * 2));
        }

        warmUp();
        String base = System.getProperty("storm.tmp");
        Path work = base == null ? Files.createTempDirectory("inflow-storm-")
                : Files.createTempDirectory(Files.createDirectories(Path.of(base)), "inflow-storm-");
        Path root = work.resolve("root");
        Path out = work.resolve("out");
        Path src = work.resolve("src");
        Path keepDir = Path.of("target", "storm").toAbsolutePath();
        Files.createDirectories(keepDir);
        boolean ok = false;
        try {
            Files.createDirectories(root);
            Files.createDirectories(out);
            Files.createDirectories(src);

            long t0 = System.nanoTime();
            StormScript storm = new StormScript(seed);
            if (!Boolean.parseBoolean(System.getProperty("storm.moveOut", "true"))) {
                storm.allowMoveOut(false);
                System.out.println("storm: no subtree leaves the tree (storm.moveOut=false)");
            }
            String pause = System.getProperty("storm.outsidePause");
            if (pause != null) {
                storm.outsidePause(pause);
                System.out.println("storm: sleeping " + pause + " s before each operation on a moved-out subtree (storm.outsidePause)");
            }
            storm.buildRootTree(root, dirs - 1, 2); // the root counts as one of the directories
            storm.buildSourceTree(src, 999, 2);
            double buildSecs = secs(t0);
            long tg = System.nanoTime();
            Path script = keepDir.resolve("storm-" + seed + ".sh");
            storm.generate(script, root, out, src, ops, copies, 1); // one round of big subtree operations
            System.out.printf("storm: trees built in %.1f s, script generated (%d lines) in %.1f s: %s%n",
                    buildSecs, storm.lines(), secs(tg), script);

            long t1 = System.nanoTime();
            long queuedBefore = sysctl("max_queued_events");
            Path jar = StormWatch.privateJar(work);
            try (StormWatch w = StormWatch.start(root, jar, "-m", "-r", "-e", EVENTS)) {
                // the kernel fixes the queue size at inotify_init: other tests on this machine
                // may lower the sysctl for a moment (WatchLimitsTest does), so look around the start
                long queuedAfter = sysctl("max_queued_events");
                System.out.printf("storm: watches established in %.1f s (max_queued_events %d before the start, %d after)%n",
                        secs(t1), queuedBefore, queuedAfter);
                Map<String, Boolean> initial = walk(root);

                long t2 = System.nanoTime();
                Path shErrFile = work.resolve("storm.stderr");
                Process sh = new ProcessBuilder("/bin/sh", script.toString())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(shErrFile.toFile())
                        .start();
                sh.getOutputStream().close();
                if (stallMs > 0) {
                    stall(w.process.pid(), stallMs);
                }
                long scriptLimitS = Math.max(300, ops / 20L);
                if (!sh.waitFor(scriptLimitS, TimeUnit.SECONDS)) {
                    sh.destroyForcibly();
                    fail("the storm script did not finish in " + scriptLimitS + " s");
                }
                String shErr = Files.readString(shErrFile);
                double stormSecs = secs(t2);
                int atScriptEnd = w.size();

                long t3 = System.nanoTime();
                int marker = w.sync(Duration.ofSeconds(120));
                int total = w.awaitQuiet(Duration.ofMillis(1000), Duration.ofSeconds(60));
                double drainSecs = secs(t3);
                List<StormWatch.Event> events = w.events();

                StormView.Replay replay = new StormView.Replay(root.toString(), initial);
                for (StormWatch.Event e : events) {
                    replay.apply(e);
                }
                Map<String, Boolean> actual = walk(root);
                Map<String, Boolean> rebuilt = replay.current.entries;

                List<String> missing = new ArrayList<>();
                List<String> phantom = new ArrayList<>();
                List<String> wrongType = new ArrayList<>();
                for (Map.Entry<String, Boolean> e : actual.entrySet()) {
                    Boolean r = rebuilt.get(e.getKey());
                    if (r == null) {
                        missing.add(e.getKey());
                    } else if (!r.equals(e.getValue())) {
                        wrongType.add(e.getKey() + (e.getValue() ? " (a directory)" : " (a file)"));
                    }
                }
                for (String p : rebuilt.keySet()) {
                    if (!actual.containsKey(p)) {
                        phantom.add(p);
                    }
                }
                // the generator's own bookkeeping: tells a broken script from a broken watcher
                Map<String, Boolean> expected = storm.expected();
                int modelDiff = 0;
                for (String p : expected.keySet()) {
                    if (!actual.containsKey(p)) {
                        modelDiff++;
                    }
                }
                for (String p : actual.keySet()) {
                    if (!expected.containsKey(p)) {
                        modelDiff++;
                    }
                }

                System.out.printf("storm: %d operations ran in %.1f s (%.0f/s); %d script lines%n",
                        storm.opCounts.values().stream().mapToInt(Integer::intValue).sum(), stormSecs,
                        storm.lines() / stormSecs, storm.lines());
                storm.opCounts.forEach((k, v) -> System.out.printf("storm:   %6d  %s%n", v, k));
                System.out.printf("storm: paths: initial=%d final=%d rebuilt=%d%n", initial.size(), actual.size(), rebuilt.size());
                System.out.printf("storm: events=%d (%d when the script ended, sync marker at #%d, %d after it; drained in %.1f s)%n",
                        total, atScriptEnd, marker, total - marker - 1, drainSecs);
                System.out.printf("storm:   CREATE=%d DELETE=%d MOVED_FROM=%d MOVED_TO=%d CLOSE_WRITE only=%d other=%d"
                        + " Q_OVERFLOW=%d rescans=%d RESCAN entries=%d%n",
                        replay.creates, replay.deletes, replay.movedFrom, replay.movedTo, replay.closeWrites,
                        replay.other, replay.overflows, replay.rescans, replay.synthetic);
                System.out.printf("storm: missing=%d phantom=%d wrong type=%d; stream anomalies: %s%n",
                        missing.size(), phantom.size(), wrongType.size(), replay.anomalies);
                System.out.printf("storm: generator model vs final tree: %d differences; script stderr: %s%n",
                        modelDiff, shErr.isEmpty() ? "none" : "\n" + shErr);
                if (!w.process.isAlive()) {
                    System.out.println("storm: THE WATCHER EXITED with status " + w.process.exitValue());
                }
                String watcherErr = w.stderr().replace("Setting up watches.  Beware: since -r was given, this may take a while!\n", "")
                        .replace("Watches established.\n", "");
                if (!watcherErr.isBlank()) {
                    System.out.println("storm: watcher stderr:\n" + watcherErr);
                }

                if (!missing.isEmpty() || !phantom.isEmpty() || !wrongType.isEmpty() || replay.overflows > 0) {
                    Path log = keepDir.resolve("storm-" + seed + ".events");
                    StringBuilder sb = new StringBuilder();
                    for (StormWatch.Event e : events) {
                        sb.append(e).append('\n');
                    }
                    Files.writeString(log, sb);
                    System.out.println("storm: event log: " + log);
                    System.out.println(explain("missing", missing, events, root, script));
                    System.out.println(explain("phantom", phantom, events, root, script));
                }

                assertTrue(shErr.isEmpty(), "the storm script reported errors (a test bug):\n" + shErr);
                assertTrue(w.process.isAlive(), "the watcher exited (status " + (w.process.isAlive() ? "-" : w.process.exitValue())
                        + "): " + w.stderr());
                if (watcherErr.contains("watch limit is reached")) {
                    fail("ENVIRONMENT: the inotify watch limit was reached (max_user_watches now " + sysctl("max_user_watches")
                            + ", " + watchLimit + " at the start): another process lowered it or holds many watches"
                            + " (WatchLimitsTest lowers it for a moment); run this test alone");
                }
                if (stallMs == 0) {
                    assertEquals(0, replay.overflows, "Q_OVERFLOW at max_queued_events=" + queuedBefore + "/" + queuedAfter
                            + " (before/after the watcher started; seed " + seed + ")");
                }
                assertEquals(List.of(), head(missing), missing.size() + " paths exist but the events never showed them (seed " + seed + ")");
                assertEquals(List.of(), head(phantom), phantom.size() + " paths the events show do not exist (seed " + seed + ")");
                assertEquals(List.of(), head(wrongType), wrongType.size() + " paths with the wrong type (seed " + seed + ")");
                ok = true;
            }
        } finally {
            if (keep) {
                System.out.println("storm: work directory kept: " + work);
            } else {
                long t = System.nanoTime();
                deleteTree(work);
                System.out.printf("storm: cleaned up in %.1f s%n", secs(t));
            }
            if (ok && !keep) {
                Files.deleteIfExists(keepDir.resolve("storm-" + seed + ".sh"));
            }
        }
    }

    /**
     * Stops the watcher (SIGSTOP) for a while once the storm has begun: it then works through a
     * backlog, and past the kernel queue size through an overflow and a RESCAN.
     */
    private static void stall(long pid, long ms) throws IOException, InterruptedException {
        Thread.sleep(300);
        new ProcessBuilder("kill", "-STOP", Long.toString(pid)).inheritIO().start().waitFor();
        System.out.printf("storm: watcher stopped for %d ms (storm.stallMs)%n", ms);
        Thread.sleep(ms);
        new ProcessBuilder("kill", "-CONT", Long.toString(pid)).inheritIO().start().waitFor();
    }

    /**
     * Loads every class the test needs after the storm now: a build of the tests module running
     * meanwhile (another developer, another test run) rewrites target/test-classes under us.
     */
    private static void warmUp() throws ClassNotFoundException {
        for (String c : List.of("StormWatch", "StormWatch$Event", "StormView", "StormView$Anomalies", "StormView$Replay",
                "StormScript", "StormScript$Node", "WatchProcess", "StormReconstructionTest$1")) {
            Class.forName("org.inflow.e2e." + c, true, StormReconstructionTest.class.getClassLoader());
        }
        StormView.Replay r = new StormView.Replay("/w", Map.of("a", true));
        for (String rec : List.of("CREATE,ISDIR\t0\t/w/a/b", "MOVED_FROM,ISDIR\t1a\t/w/a/b", "MOVED_TO,ISDIR\t1a\t/w/a/c",
                "CLOSE_WRITE\t0\t/w/a/c", "DELETE,ISDIR\t0\t/w/a/c", "Q_OVERFLOW\t0\t", "RESCAN_BEGIN\t0\t/w/",
                "CREATE,ISDIR,RESCAN\t0\t/w/a", "RESCAN_END\t0\t/w/", "bad")) {
            r.apply(StormWatch.Event.parse(rec.getBytes(StandardCharsets.UTF_8)));
        }
        if (r.current.entries.size() != 1 || r.anomalies.total() != 1) {
            throw new AssertionError("the replay logic is broken: " + r.current.entries + " " + r.anomalies);
        }
    }

    private static List<String> head(List<String> l) {
        return l.size() <= 20 ? l : l.subList(0, 20);
    }

    private static double secs(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static long sysctl(String name) {
        // not Files.readString: it sizes the read from st_size (0 here) and gets one byte of a sysctl
        try (java.io.BufferedReader r = Files.newBufferedReader(Path.of("/proc/sys/fs/inotify", name))) {
            return Long.parseLong(r.readLine().trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Every entry below root (not root itself, not sync markers): relative path -> is a directory. */
    static Map<String, Boolean> walk(Path root) throws IOException {
        Map<String, Boolean> out = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(root)) {
                    out.put(root.relativize(dir).toString(), true);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (!file.getFileName().toString().startsWith(StormWatch.MARKER_PREFIX)) {
                    out.put(root.relativize(file).toString(), attrs.isDirectory());
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return out;
    }

    /**
     * For the first few bad paths: the events on the path, its ancestors and its subtree, and
     * the script lines naming the generated names in it, so a failure can be read off directly.
     */
    private static String explain(String what, List<String> paths, List<StormWatch.Event> events, Path root,
                                  Path script) throws IOException {
        if (paths.isEmpty()) {
            return "";
        }
        List<String> lines = Files.readAllLines(script);
        String prefix = root + "/";
        StringBuilder sb = new StringBuilder("storm: first " + what + " paths:");
        List<String> shown = new ArrayList<>();
        for (String p : paths) {
            if (shown.size() == 5) {
                break;
            }
            // one example per subtree: the others under it say the same
            boolean covered = false;
            for (String s : shown) {
                if (p.startsWith(s + "/")) {
                    covered = true;
                    break;
                }
            }
            if (covered) {
                continue;
            }
            shown.add(p);
            long under = paths.stream().filter(x -> x.startsWith(p + "/")).count();
            sb.append("\n  ").append(p).append(under > 0 ? " (and " + under + " below it)" : "");
            int n = 0;
            for (int i = 0; i < events.size() && n < 25; i++) {
                StormWatch.Event e = events.get(i);
                if (!e.path.startsWith(prefix)) {
                    continue;
                }
                String rel = e.path.substring(prefix.length());
                if (rel.equals(p) || p.startsWith(rel + "/") || rel.startsWith(p + "/")) {
                    sb.append("\n      #").append(i).append(' ').append(e);
                    n++;
                }
            }
            String[] parts = p.split("/");
            for (int i = parts.length - 1; i >= 0; i--) {
                String part = parts[i];
                if (part.matches("[a-z][0-9]+") && !part.matches("[df][0-9]")) {
                    Stream<String> hits = lines.stream().filter(l -> l.matches(".*[/\" ]" + part + "[/\" ].*|.*/" + part + "\"?$"));
                    hits.limit(6).forEach(l -> sb.append("\n      sh: ").append(l));
                    break;
                }
            }
        }
        return sb.toString();
    }

    private static void deleteTree(Path dir) throws IOException, InterruptedException {
        Process rm = new ProcessBuilder("rm", "-rf", "--", dir.toString()).inheritIO().start();
        if (!rm.waitFor(2, TimeUnit.MINUTES)) {
            rm.destroyForcibly();
        }
    }
}
