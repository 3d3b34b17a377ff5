package org.inflow.e2e;

import static org.inflow.e2e.WatchTestKit.assertEvent;
import static org.inflow.e2e.WatchTestKit.awaitWatchCount;
import static org.inflow.e2e.WatchTestKit.bytes;
import static org.inflow.e2e.WatchTestKit.child;
import static org.inflow.e2e.WatchTestKit.concat;
import static org.inflow.e2e.WatchTestKit.count;
import static org.inflow.e2e.WatchTestKit.isMarker;
import static org.inflow.e2e.WatchTestKit.printable;
import static org.inflow.e2e.WatchTestKit.sh;
import static org.inflow.e2e.WatchTestKit.show;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** `inflow watch -r`: new directories, bursts, renames, moves across the tree's edge, links, odd names. */
class WatchTreeTest {

    @TempDir
    Path tmp;

    private Path dir(String name) throws Exception {
        return Files.createDirectories(tmp.toRealPath().resolve(name));
    }

    private static String[] args(String events, Path root) {
        return events.isEmpty() ? new String[] {"-m", "-r", root.toString()}
                : new String[] {"-m", "-r", "-e", events, root.toString()};
    }

    @Test
    void theInitialCrawlIsSilentAndWatchesEveryDirectory() throws Exception {
        Path d = dir("root");
        sh(d, "mkdir -p a/b/c e && touch a/f a/b/c/g");
        try (WatchProcess w = WatchProcess.records(d, "-m", "-r", d.toString())) {
            assertEquals(5, w.watchCount(), "root, a, a/b, a/b/c, e");
            int at = w.sync();
            assertEquals(0, at, () -> "events before any activity:\n" + show(w.events()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "create", "create,close_write,delete,moved_from,moved_to"})
    void mkdirPAndTouchAreReportedInFull(String events) throws Exception {
        Path d = dir("root");
        try (WatchProcess w = WatchProcess.records(d, args(events, d))) {
            int base = w.watchCount();
            int start = w.sync();
            sh(d, "mkdir -p a/b/c/d && touch a/b/c/d/f");
            // the same race, many times over, in one shell
            sh(d, "i=0; while [ $i -lt 50 ]; do mkdir -p m$i/b/c/d && : > m$i/b/c/d/f; i=$((i+1)); done");
            int end = w.sync();
            List<WatchProcess.Event> ev = w.events().subList(start + 1, end);
            List<String> prefixes = new ArrayList<>(List.of("a"));
            for (int i = 0; i < 50; i++) {
                prefixes.add("m" + i);
            }
            for (String p : prefixes) {
                for (String sub : List.of(p, p + "/b", p + "/b/c", p + "/b/c/d")) {
                    byte[] path = child(d, sub);
                    assertEquals(1, WatchTestKit.withPath(ev, path).stream()
                                    .filter(e -> e.has("CREATE") && e.has("ISDIR")).count(),
                            () -> "CREATE,ISDIR " + sub + " exactly once:\n" + show(ev));
                }
                byte[] f = child(d, p + "/b/c/d/f");
                assertEquals(1, count(ev, f, "CREATE"), () -> "CREATE " + p + "/b/c/d/f exactly once:\n" + show(ev));
                if (events.contains("close_write") || events.isEmpty()) {
                    assertTrue(count(ev, f, "CLOSE_WRITE") >= 1, () -> "CLOSE_WRITE " + p + "/b/c/d/f:\n" + show(ev));
                }
            }
            for (WatchProcess.Event e : ev) {
                assertFalse(e.has("RESCAN") || e.has("Q_OVERFLOW"), () -> "no overflow expected here: " + e);
                if (events.equals("create")) {
                    assertEquals(List.of("CREATE"), e.names.subList(0, 1), () -> "-e create only: " + e);
                }
            }
            awaitWatchCount(w, base + 4 * 51, "every new directory is watched");
        }
    }

    @Test
    void aThousandDirectoriesCreatedAndFilledAtOnce() throws Exception {
        Path d = dir("root");
        int dirs = 1000;
        String[] files = {"a", "b", "c", "d"};
        try (WatchProcess w = WatchProcess.records(d, "-m", "-r", "-e", "create,close_write,delete,moved_from,moved_to",
                d.toString())) {
            int start = w.sync();
            sh(d, "i=0; while [ $i -lt " + dirs + " ]; do mkdir d$i && echo 1 > d$i/a && echo 2 > d$i/b && : > d$i/c && : > d$i/d; "
                    + "i=$((i+1)); done");
            int end = w.sync();
            List<WatchProcess.Event> ev = w.events().subList(start + 1, end);
            boolean overflow = ev.stream().anyMatch(e -> e.has("Q_OVERFLOW"));
            Map<ByteBuffer, Integer> creates = new HashMap<>();
            Map<ByteBuffer, Integer> closes = new HashMap<>();
            for (WatchProcess.Event e : ev) {
                if (e.has("CREATE") && !e.has("RESCAN")) {
                    creates.merge(ByteBuffer.wrap(e.path), 1, Integer::sum);
                }
                if (e.has("CLOSE_WRITE") || e.has("RESCAN")) {
                    closes.merge(ByteBuffer.wrap(e.path), 1, Integer::sum);
                }
            }
            List<String> missing = new ArrayList<>();
            List<String> twice = new ArrayList<>();
            for (Map.Entry<ByteBuffer, Integer> c : creates.entrySet()) {
                if (c.getValue() > 1) {
                    twice.add(printable(c.getKey().array()) + " x" + c.getValue());
                }
            }
            for (int i = 0; i < dirs; i++) {
                if (!creates.containsKey(ByteBuffer.wrap(child(d, "d" + i))) && !overflow) {
                    missing.add("d" + i);
                }
                for (String f : files) {
                    ByteBuffer p = ByteBuffer.wrap(child(d, "d" + i + "/" + f));
                    boolean seen = creates.containsKey(p) || (overflow && closes.containsKey(p));
                    if (!seen || !closes.containsKey(p)) {
                        missing.add("d" + i + "/" + f + (seen ? " (no CLOSE_WRITE)" : ""));
                    }
                }
            }
            assertTrue(missing.isEmpty(), () -> missing.size() + " missing (overflow: " + overflow + "): "
                    + missing.subList(0, Math.min(40, missing.size())) + "\nstderr:\n" + w.stderr());
            assertTrue(twice.isEmpty(), () -> twice.size() + " paths with more than one CREATE: "
                    + twice.subList(0, Math.min(40, twice.size())));
            awaitWatchCount(w, 1 + dirs, "root and every new directory are watched");
        }
    }

    @Test
    void renamedMovedOutMovedBackAndDeletedSubtrees() throws Exception {
        Path d = dir("root");
        Path outside = dir("outside");
        try (WatchProcess w = WatchProcess.records(d, "-m", "-r", d.toString())) {
            int base = w.watchCount();
            assertEquals(1, base);
            sh(d, "mkdir -p tree/x/y && echo 0 > tree/x/y/f0");
            w.sync();
            awaitWatchCount(w, base + 3, "tree, tree/x, tree/x/y are watched");

            // rename inside the tree: later events carry the new path
            int s1 = w.sync();
            Files.move(d.resolve("tree"), d.resolve("renamed"));
            Files.write(d.resolve("renamed/x/y/f1"), bytes("1"));
            Files.write(d.resolve("renamed/x/g1"), bytes("1"));
            int s2 = w.sync();
            List<WatchProcess.Event> ev = w.events().subList(s1 + 1, s2);
            int i = assertEvent(ev, 0, List.of("MOVED_FROM", "ISDIR"), child(d, "tree"));
            i = assertEvent(ev, i, List.of("MOVED_TO", "ISDIR"), child(d, "renamed"));
            assertEvent(ev, i, List.of("CREATE"), child(d, "renamed/x/y/f1"));
            assertEvent(ev, i, List.of("CLOSE_WRITE", "CLOSE"), child(d, "renamed/x/y/f1"));
            assertEvent(ev, i, List.of("CREATE"), child(d, "renamed/x/g1"));
            for (WatchProcess.Event e : ev.subList(i, ev.size())) {
                assertFalse(e.pathString().startsWith(d + "/tree/"), () -> "old path after the rename: " + e + "\n" + show(ev));
            }
            assertEquals(base + 3, w.watchCount(), "a rename keeps the watches");

            // moved out of the tree: its watches go, nothing more is reported
            Files.move(d.resolve("renamed"), outside.resolve("renamed"));
            int s3 = w.sync();
            assertEvent(w.events().subList(s2, s3), 0, List.of("MOVED_FROM", "ISDIR"), child(d, "renamed"));
            awaitWatchCount(w, base, "the moved-out subtree's watches are removed");
            Files.write(outside.resolve("renamed/x/y/f2"), bytes("2"));
            Files.write(outside.resolve("renamed/x/f3"), bytes("3"));
            Files.delete(outside.resolve("renamed/x/y/f0"));
            Files.createDirectory(outside.resolve("renamed/x/newdir"));
            int s4 = w.sync();
            for (WatchProcess.Event e : w.events().subList(s3, s4)) {
                assertTrue(isMarker(e), () -> "event after the subtree left the tree: " + e + "\n" + show(w.events()));
            }
            assertEquals(base, w.watchCount());

            // moved back in: crawled (synthetic CREATEs) and watched again
            Files.move(outside.resolve("renamed"), d.resolve("back"));
            int s5 = w.sync();
            List<WatchProcess.Event> in = w.events().subList(s4, s5);
            assertEvent(in, 0, List.of("MOVED_TO", "ISDIR"), child(d, "back"));
            for (String p : List.of("back/x", "back/x/y", "back/x/newdir")) {
                assertEquals(1, WatchTestKit.withPath(in, child(d, p)).stream().filter(e -> e.has("CREATE") && e.has("ISDIR")).count(),
                        () -> "one CREATE,ISDIR " + p + ":\n" + show(in));
            }
            for (String p : List.of("back/x/y/f1", "back/x/y/f2", "back/x/f3", "back/x/g1")) {
                assertEquals(1, count(in, child(d, p), "CREATE"), () -> "one CREATE " + p + ":\n" + show(in));
            }
            assertEquals(0, count(in, child(d, "back/x/y/f0"), "CREATE"), () -> "f0 was deleted:\n" + show(in));
            awaitWatchCount(w, base + 4, "back, back/x, back/x/y, back/x/newdir are watched");
            Files.write(d.resolve("back/x/y/f4"), bytes("4"));
            Files.write(d.resolve("back/x/newdir/f5"), bytes("5"));
            int s6 = w.sync();
            assertEvent(w.events().subList(s5, s6), 0, List.of("CREATE"), child(d, "back/x/y/f4"));
            assertEvent(w.events().subList(s5, s6), 0, List.of("CREATE"), child(d, "back/x/newdir/f5"));

            // deleted: every watch of the subtree is released
            sh(d, "rm -rf back");
            int s7 = w.sync();
            assertEvent(w.events().subList(s6, s7), 0, List.of("DELETE", "ISDIR"), child(d, "back"));
            awaitWatchCount(w, base, "the deleted subtree's watches are released");
        }
    }

    @Test
    void renamesAcrossParentsInQuickSuccession() throws Exception {
        Path d = dir("root");
        sh(d, "mkdir -p a/b/c p/q");
        try (WatchProcess w = WatchProcess.records(d, "-m", "-r", "-e", "create,moved_from,moved_to,close_write", d.toString())) {
            assertEquals(6, w.watchCount());
            int s = w.sync();
            // no pause between the steps: the engine sees them all in one read
            sh(d, "mv a a2 && mv a2/b p/q/b2 && mv p p3 && touch p3/q/b2/c/f && mv p3/q/b2/c a2/c4 && touch a2/c4/g");
            int e = w.sync();
            List<WatchProcess.Event> ev = w.events().subList(s + 1, e);
            assertEquals(1, count(ev, child(d, "p3/q/b2/c/f"), "CREATE"), () -> show(ev));
            assertEquals(1, count(ev, child(d, "a2/c4/g"), "CREATE"), () -> show(ev));
            assertEquals(6, w.watchCount(), "renames keep every watch");
            int s2 = w.sync();
            Files.write(d.resolve("a2/c4/h"), bytes("x"));
            Files.write(d.resolve("p3/q/b2/i"), bytes("x"));
            Files.write(d.resolve("p3/q/j"), bytes("x"));
            int e2 = w.sync();
            List<WatchProcess.Event> ev2 = w.events().subList(s2, e2);
            for (String p : List.of("a2/c4/h", "p3/q/b2/i", "p3/q/j")) {
                assertEquals(1, count(ev2, child(d, p), "CREATE"), () -> "CREATE " + p + ":\n" + show(ev2));
            }
        }
    }

    @Test
    void aDirectoryRenamedOverAnEmptyOneReleasesTheReplacedWatch() throws Exception {
        Path d = dir("root");
        sh(d, "mkdir -p x/inner empty");
        try (WatchProcess w = WatchProcess.records(d, "-m", "-r", d.toString())) {
            assertEquals(4, w.watchCount());
            int s = w.sync();
            sh(d, "mv -T x empty");
            int e = w.sync();
            assertEvent(w.events().subList(s, e), 0, List.of("MOVED_TO", "ISDIR"), child(d, "empty"));
            awaitWatchCount(w, 3, "the replaced directory's watch is gone");
            Files.write(d.resolve("empty/inner/f"), bytes("x"));
            int e2 = w.sync();
            assertEquals(1, count(w.events().subList(e, e2), child(d, "empty/inner/f"), "CREATE"), () -> show(w.events()));
        }
    }

    @Test
    void aDirectoryMovedInFromOutsideWhileBusyIsCrawled() throws Exception {
        Path d = dir("root");
        Path outside = dir("outside");
        sh(outside, "i=0; while [ $i -lt 20 ]; do mkdir -p big/s$i/t && : > big/s$i/t/f && : > big/s$i/g; i=$((i+1)); done");
        try (WatchProcess w = WatchProcess.records(d, "-m", "-r", "-e", "create,moved_to,close_write", d.toString())) {
            int s = w.sync();
            Files.move(outside.resolve("big"), d.resolve("big"));
            Files.write(d.resolve("big/s0/t/late"), bytes("x"));
            int e = w.sync();
            List<WatchProcess.Event> ev = w.events().subList(s + 1, e);
            for (int i = 0; i < 20; i++) {
                for (String p : List.of("big/s" + i + "/t/f", "big/s" + i + "/g", "big/s" + i, "big/s" + i + "/t")) {
                    assertEquals(1, count(ev, child(d, p), "CREATE"), () -> "one CREATE " + p + ":\n" + show(ev));
                }
            }
            assertEquals(1, count(ev, child(d, "big/s0/t/late"), "CREATE"), () -> show(ev));
            awaitWatchCount(w, 1 + 1 + 40, "root, big, 20 s*, 20 s*/t");
        }
    }

    @Test
    void symlinksAreNotFollowed() throws Exception {
        Path d = dir("root");
        Path outside = dir("outside");
        sh(outside, "mkdir -p inner/deeper && : > file");
        sh(d, "mkdir real && ln -s . loop && ln -s .. real/up && ln -s \"$1\" ext && ln -s \"$1/inner\" real/ext2",
                outside.toString());
        try (WatchProcess w = WatchProcess.records(d, "-m", "-r", d.toString())) {
            assertEquals(2, w.watchCount(), "root and real only");
            int s = w.sync();
            // new links made at run time, inside a new directory that gets crawled
            sh(d, "mkdir n && ln -s .. n/up && ln -s \"$1\" n/ext && ln -s n n/self", outside.toString());
            int m = w.sync();
            assertEvent(w.events().subList(s, m), 0, List.of("CREATE"), child(d, "n/up"));
            assertEvent(w.events().subList(s, m), 0, List.of("CREATE"), child(d, "n/ext"));
            awaitWatchCount(w, 3, "root, real and n only");
            // activity at the targets of the links: nothing reported
            Files.write(outside.resolve("file2"), bytes("x"));
            Files.write(outside.resolve("inner/f"), bytes("x"));
            Files.write(outside.resolve("inner/deeper/f"), bytes("x"));
            Files.write(d.resolve("ext/through-link"), bytes("x"));
            Files.write(outside.resolve("file"), bytes("y"));
            int e = w.sync();
            for (WatchProcess.Event ev : w.events().subList(m, e)) {
                assertTrue(isMarker(ev), () -> "event from a link target: " + ev + "\n" + show(w.events()));
            }
            for (WatchProcess.Event ev : w.events()) {
                String p = ev.pathString();
                assertFalse(p.contains("/loop/") || p.contains("/ext/") || p.contains("/ext2/") || p.contains("/up/")
                        || p.startsWith(outside.toString()), () -> "followed a link: " + ev);
            }
            assertEquals(3, w.watchCount());
        }
    }

    @Test
    void aRootWhoseNameIsNotUtf8IsWatchedThroughFromfile() throws Exception {
        Path base = dir("base");
        Path syncDir = dir("sync");
        sh(base, "mkdir \"$(printf 'r\\377oot')\"");
        byte[] root = concat(bytes(base.toString()), new byte[] {'/', 'r', (byte) 0xff, 'o', 'o', 't'});
        Path list = tmp.toRealPath().resolve("roots.list");
        Files.write(list, concat(root, new byte[] {'\n'}, bytes(syncDir.toString()), new byte[] {'\n'}));
        try (WatchProcess w = WatchProcess.records(syncDir, "-m", "-r", "-e", "create", "--fromfile", list.toString())) {
            int s = w.sync();
            sh(base, "touch \"$(printf 'r\\377oot/f\\376')\" && mkdir \"$(printf 'r\\377oot/sub')\" "
                    + "&& touch \"$(printf 'r\\377oot/sub/g')\"");
            int e = w.sync();
            List<WatchProcess.Event> ev = w.events().subList(s + 1, e);
            assertEquals(1, count(ev, concat(root, new byte[] {'/', 'f', (byte) 0xfe}), "CREATE"), () -> show(ev));
            assertEquals(1, count(ev, concat(root, bytes("/sub")), "CREATE"), () -> show(ev));
            assertEquals(1, count(ev, concat(root, bytes("/sub/g")), "CREATE"), () -> show(ev));
        }
    }

    @Test
    void withoutRecursionOnlyTheDirectoryItselfIsWatched() throws Exception {
        Path d = dir("root");
        Files.createDirectories(d.resolve("sub"));
        try (WatchProcess w = WatchProcess.records(d, "-m", d.toString())) {
            assertEquals(1, w.watchCount());
            int s = w.sync();
            Files.write(d.resolve("sub/inner"), bytes("x"));
            Files.createDirectory(d.resolve("new"));
            Files.write(d.resolve("new/inner2"), bytes("x"));
            Files.write(d.resolve("top"), bytes("x"));
            int e = w.sync();
            List<WatchProcess.Event> ev = w.events().subList(s + 1, e);
            assertEquals(1, count(ev, child(d, "top"), "CREATE"), () -> show(ev));
            assertEvent(ev, 0, List.of("CREATE", "ISDIR"), child(d, "new"));
            for (WatchProcess.Event x : ev) {
                assertFalse(x.pathString().contains("inner"), () -> "not recursive, yet: " + x);
            }
            assertEquals(1, w.watchCount());
        }
    }

    @Test
    void oddNamesArriveByteExact() throws Exception {
        Path d = dir("root");
        byte[][] names = {
            bytes("with space"), bytes("new\nline"), bytes("tab\there"), {'a', (byte) 0xff, 'b'},
            {(byte) 0xc3, (byte) 0xa9, 't', (byte) 0xc3, (byte) 0xa9}, bytes(" lead"), bytes("back\\slash"),
            bytes("q\"uote"), bytes("'single"), bytes("*star?"), bytes("-dash"), bytes("$(echo no)"), {'c', (byte) 0x80},
        };
        byte[] oddDir = {'d', (byte) 0xfe, 'i', 'r', ' ', 'x'};
        byte[] inner = {'i', 'n', (byte) 0xff, '\n', 'n', 'e', 'r'};
        try (WatchProcess w = WatchProcess.records(d, "-m", "-r", "-e", "create,close_write,moved_to", d.toString())) {
            int s = w.sync();
            sh(d, "touch 'with space' \"$(printf 'new\\nline')\" \"$(printf 'tab\\there')\" \"$(printf 'a\\377b')\""
                    + " \"$(printf '\\303\\251t\\303\\251')\" ' lead' 'back\\slash' 'q\"uote' \"'single\" '*star?' -- -dash"
                    + " '$(echo no)' \"$(printf 'c\\200')\"");
            sh(d, "mkdir \"$(printf 'd\\376ir x')\" && touch \"$(printf 'd\\376ir x/in\\377\\nner')\"");
            int e = w.sync();
            List<WatchProcess.Event> ev = w.events().subList(s + 1, e);
            assertEquals(names.length + 1, new java.io.File(d.toString()).list().length, "files made as intended");
            for (byte[] n : names) {
                assertEquals(1, count(ev, child(d, n), "CREATE"), () -> "one CREATE " + printable(n) + ":\n" + show(ev));
                assertTrue(count(ev, child(d, n), "CLOSE_WRITE") >= 1, () -> "CLOSE_WRITE " + printable(n) + ":\n" + show(ev));
            }
            assertEquals(1, count(ev, child(d, oddDir), "CREATE"), () -> show(ev));
            byte[] innerPath = concat(child(d, oddDir), new byte[] {'/'}, inner);
            assertEquals(1, count(ev, innerPath, "CREATE"), () -> "one CREATE " + printable(innerPath) + ":\n" + show(ev));
            // and a rename keeps them exact
            int s2 = w.sync();
            sh(d, "mv \"$(printf 'd\\376ir x')\" \"$(printf 'r\\375n')\" && touch \"$(printf 'r\\375n/after\\001')\"");
            int e2 = w.sync();
            byte[] renamed = child(d, new byte[] {'r', (byte) 0xfd, 'n'});
            assertEvent(w.events().subList(s2, e2), 0, List.of("MOVED_TO", "ISDIR"), renamed);
            assertEvent(w.events().subList(s2, e2), 0, List.of("CREATE"), concat(renamed, bytes("/after\u0001")));
        }
    }
}
