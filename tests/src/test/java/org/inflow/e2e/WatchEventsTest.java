package org.inflow.e2e;

import static org.inflow.e2e.WatchTestKit.assertEvent;
import static org.inflow.e2e.WatchTestKit.awaitExit;
import static org.inflow.e2e.WatchTestKit.bytes;
import static org.inflow.e2e.WatchTestKit.child;
import static org.inflow.e2e.WatchTestKit.lines;
import static org.inflow.e2e.WatchTestKit.sh;
import static org.inflow.e2e.WatchTestKit.show;
import static org.inflow.e2e.WatchTestKit.syncLines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** `inflow watch`: event names, output formats, exit codes and messages, as inotifywait has them. */
class WatchEventsTest {

    @TempDir
    Path tmp;

    private Path dir(String name) throws Exception {
        return Files.createDirectories(tmp.toRealPath().resolve(name));
    }

    @Test
    void everyEventKindIsReportedWithInotifywaitNames() throws Exception {
        Path d = dir("root");
        try (WatchProcess w = WatchProcess.records(d, "-m", "-r", d.toString())) {
            int start = w.sync();
            Path a = d.resolve("a");
            Files.write(a, bytes("hello"));                                      // create open modify close_write
            Files.readAllBytes(a);                                                // open access close_nowrite
            Files.setPosixFilePermissions(a, PosixFilePermissions.fromString("rw-------")); // attrib
            Files.move(a, d.resolve("b"));                                        // moved_from moved_to
            Files.delete(d.resolve("b"));                                         // delete
            Files.createDirectory(d.resolve("sub"));                              // create,isdir
            w.sync(); // sub is watched once its CREATE has been reported
            Files.move(d.resolve("sub"), d.resolve("sub2"));                      // moved_*,isdir + move_self
            Files.delete(d.resolve("sub2"));                                      // delete_self + delete,isdir
            int end = w.sync();
            List<WatchProcess.Event> ev = w.events().subList(start + 1, end);

            byte[] pa = child(d, "a");
            byte[] pb = child(d, "b");
            int i = assertEvent(ev, 0, List.of("CREATE"), pa);
            i = assertEvent(ev, i, List.of("OPEN"), pa);
            i = assertEvent(ev, i, List.of("MODIFY"), pa);
            i = assertEvent(ev, i, List.of("CLOSE_WRITE", "CLOSE"), pa);
            i = assertEvent(ev, i, List.of("OPEN"), pa);
            i = assertEvent(ev, i, List.of("ACCESS"), pa);
            i = assertEvent(ev, i, List.of("CLOSE_NOWRITE", "CLOSE"), pa);
            i = assertEvent(ev, i, List.of("ATTRIB"), pa);
            i = assertEvent(ev, i, List.of("MOVED_FROM"), pa);
            i = assertEvent(ev, i, List.of("MOVED_TO"), pb);
            i = assertEvent(ev, i, List.of("DELETE"), pb);
            i = assertEvent(ev, i, List.of("CREATE", "ISDIR"), child(d, "sub"));
            i = assertEvent(ev, i, List.of("MOVED_FROM", "ISDIR"), child(d, "sub"));
            i = assertEvent(ev, i, List.of("MOVED_TO", "ISDIR"), child(d, "sub2"));
            // the renamed directory's own events carry its new path (%w of a directory ends in '/')
            assertEvent(ev, i, List.of("MOVE_SELF"), child(d, "sub2/"));
            assertEvent(ev, i, List.of("DELETE_SELF"), child(d, "sub2/"));
            assertEvent(ev, i, List.of("DELETE", "ISDIR"), child(d, "sub2"));
        }
    }

    @Test
    void aFileRootReportsItsOwnEventsWithoutTrailingSlash() throws Exception {
        Path d = dir("sync");
        Path f = tmp.toRealPath().resolve("file.txt");
        Files.write(f, bytes("x"));
        try (WatchProcess w = WatchProcess.records(d, "-m", d.toString(), f.toString())) {
            int start = w.sync();
            Files.write(f, bytes("more"), java.nio.file.StandardOpenOption.APPEND);
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
            Files.delete(f);
            int end = w.sync();
            List<WatchProcess.Event> ev = w.events().subList(start + 1, end);
            byte[] p = bytes(f.toString());
            int i = assertEvent(ev, 0, List.of("OPEN"), p);
            i = assertEvent(ev, i, List.of("MODIFY"), p);
            i = assertEvent(ev, i, List.of("CLOSE_WRITE", "CLOSE"), p);
            i = assertEvent(ev, i, List.of("ATTRIB"), p);
            assertEvent(ev, i, List.of("DELETE_SELF"), p);
        }
    }

    @Test
    void defaultFormatIsWatchedEventsName() throws Exception {
        Path d = dir("root");
        try (WatchProcess w = WatchProcess.lines(d, true, "-m", "-r", d.toString())) {
            Files.createDirectory(d.resolve("sub"));
            syncLines(w, d);
            Files.write(d.resolve("a"), bytes("x"));
            Files.delete(d.resolve("sub"));
            syncLines(w, d);
            List<String> out = lines(w);
            String p = d + "/";
            for (String want : List.of(p + " CREATE,ISDIR sub", p + " CREATE a", p + " MODIFY a",
                    p + " CLOSE_WRITE,CLOSE a", p + "sub/ DELETE_SELF ", p + " DELETE,ISDIR sub")) {
                assertTrue(out.contains(want), () -> "no line '" + want + "' in:\n" + String.join("\n", out));
            }
        }
    }

    @Test
    void csvQuotesFieldsAsInotifywaitDoes() throws Exception {
        Path d = dir("root");
        try (WatchProcess w = WatchProcess.lines(d, true, "-m", "--csv", d.toString())) {
            Files.write(d.resolve("a"), bytes("x"));
            Files.write(d.resolve("x,y"), bytes("x"));
            Files.write(d.resolve("q\"z"), bytes("x"));
            syncLines(w, d);
            List<String> out = lines(w);
            String p = d + "/";
            for (String want : List.of(p + ",CREATE,a", p + ",\"CLOSE_WRITE,CLOSE\",a", p + ",CREATE,\"x,y\"",
                    p + ",\"CLOSE_WRITE,CLOSE\",\"x,y\"", p + ",CREATE,\"q\"\"z\"")) {
                assertTrue(out.contains(want), () -> "no line '" + want + "' in:\n" + String.join("\n", out));
            }
        }
    }

    @Test
    void formatWithSeparatorTimeAndCookie() throws Exception {
        Path d = dir("root");
        try (WatchProcess w = WatchProcess.lines(d, true, "-m", "--format", "%T|%:e|%e|%c|%w%f",
                "--timefmt", "%Y-%m-%dT%H:%M:%S", d.toString())) {
            Files.write(d.resolve("a"), bytes("x"));
            Files.move(d.resolve("a"), d.resolve("b"));
            syncLines(w, d);
            Pattern line = Pattern.compile("(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d)\\|([A-Z_:]+)\\|([A-Z_,]+)\\|([0-9a-f]+)\\|(.*)");
            String cookieFrom = null;
            String cookieTo = null;
            boolean closeWrite = false;
            List<String> out = lines(w);
            for (String l : out) {
                Matcher m = line.matcher(l);
                assertTrue(m.matches(), () -> "line does not match the format: '" + l + "'");
                LocalDateTime t = LocalDateTime.parse(m.group(1), DateTimeFormatter.ISO_LOCAL_DATE_TIME);
                assertTrue(Duration.between(t, LocalDateTime.now()).abs().toHours() < 24, () -> "odd %T: " + l);
                assertEquals(m.group(2).replace(':', ','), m.group(3), l);
                if (m.group(5).equals(d + "/a") && m.group(2).equals("CLOSE_WRITE:CLOSE")) {
                    closeWrite = true;
                    assertEquals("0", m.group(4), l);
                }
                if (m.group(5).equals(d + "/a") && m.group(2).equals("MOVED_FROM")) {
                    cookieFrom = m.group(4);
                }
                if (m.group(5).equals(d + "/b") && m.group(2).equals("MOVED_TO")) {
                    cookieTo = m.group(4);
                }
            }
            assertTrue(closeWrite, () -> "no CLOSE_WRITE:CLOSE line for a in:\n" + String.join("\n", out));
            assertTrue(cookieFrom != null && cookieTo != null, () -> "no MOVED_FROM/MOVED_TO lines in:\n" + String.join("\n", out));
            assertEquals(cookieFrom, cookieTo, "MOVED_FROM and MOVED_TO share a cookie");
            assertNotEquals("0", cookieFrom, "a rename has a non-zero cookie");
        }
    }

    /**
     * inotifywait prints %c in hexadecimal (printf "%x"); --json gives the same cookie as a JSON
     * number. Two watchers of one directory see the same kernel cookie for one rename.
     */
    @Test
    void cookieIsPrintedInHexLikeInotifywait() throws Exception {
        Path d = dir("root");
        try (WatchProcess fmt = WatchProcess.lines(d, true, "-m", "-e", "create,moved_from,moved_to", "--format", "%c %e %f", d.toString());
             WatchProcess json = WatchProcess.lines(d, true, "-m", "-e", "create,moved_from,moved_to", "--json", d.toString())) {
            Files.write(d.resolve("a"), bytes("x"));
            Files.move(d.resolve("a"), d.resolve("b"));
            syncLines(fmt, d);
            syncLines(json, d);
            long cookie = -1;
            for (String l : lines(json)) {
                Map<?, ?> o = (Map<?, ?>) WatchTestKit.parseJson(l);
                if (((List<?>) o.get("events")).contains("MOVED_FROM")) {
                    cookie = (Long) o.get("cookie");
                }
            }
            assertTrue(cookie > 0, () -> "no MOVED_FROM with a cookie in --json output:\n" + lines(json));
            List<String> out = lines(fmt);
            String want = Long.toHexString(cookie) + " MOVED_FROM a";
            assertTrue(out.contains(want), () -> "expected '" + want + "' (hex, as inotifywait prints %c) in:\n"
                    + String.join("\n", out));
            assertTrue(out.contains(Long.toHexString(cookie) + " MOVED_TO b"), () -> String.join("\n", out));
        }
    }

    @Test
    void jsonIsOneValidObjectPerLineWithBytesEscaped() throws Exception {
        Path d = dir("root");
        try (WatchProcess w = WatchProcess.lines(d, true, "-m", "--json", d.toString())) {
            Files.write(d.resolve("plain"), bytes("x"));
            Files.write(d.resolve("q\"\\\tx\u00e9"), bytes("x"));
            Files.createDirectory(d.resolve("sub"));
            sh(d, "touch \"$(printf 'a\\377b')\" \"$(printf 'c\\303d')\"");
            syncLines(w, d);
            List<String> out = lines(w);
            Pattern time = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d{4}");
            List<Map<?, ?>> objects = new ArrayList<>();
            for (String l : out) {
                Object v;
                try {
                    v = WatchTestKit.parseJson(l);
                } catch (IllegalArgumentException bad) {
                    throw new AssertionError("not valid JSON: " + bad.getMessage(), bad);
                }
                assertTrue(v instanceof Map, () -> "not a JSON object: " + l);
                Map<?, ?> o = (Map<?, ?>) v;
                assertEquals(List.of("time", "events", "watched", "name", "path", "isdir", "cookie", "synthetic", "rescan"),
                        new ArrayList<>(o.keySet()), l);
                assertTrue(o.get("events") instanceof List && !((List<?>) o.get("events")).isEmpty(), l);
                assertTrue(o.get("isdir") instanceof Boolean && o.get("synthetic") instanceof Boolean
                        && o.get("rescan") instanceof Boolean && o.get("cookie") instanceof Long, l);
                assertEquals(o.get("path"), (String) o.get("watched") + o.get("name"), l);
                objects.add(o);
            }
            // every byte name comes back exact through surrogateescape
            byte[][] names = {bytes("plain"), bytes("q\"\\\tx\u00e9"), {'a', (byte) 0xff, 'b'}, {'c', (byte) 0xc3, 'd'}};
            for (byte[] name : names) {
                byte[] want = child(d, name);
                boolean found = objects.stream().anyMatch(o -> ((List<?>) o.get("events")).contains("CREATE")
                        && java.util.Arrays.equals(want, WatchTestKit.surrogateEscapeBytes((String) o.get("path")))
                        && java.util.Arrays.equals(name, WatchTestKit.surrogateEscapeBytes((String) o.get("name"))));
                assertTrue(found, () -> "no CREATE with path " + WatchTestKit.printable(want) + " in:\n" + String.join("\n", out));
            }
            assertTrue(out.stream().anyMatch(l -> l.contains("\"name\":\"a\\udcffb\"")), "0xff written as \\udcff");
            assertTrue(out.stream().anyMatch(l -> l.contains("\"name\":\"c\\udcc3d\"")), "a lone 0xc3 written as \\udcc3");
            assertTrue(objects.stream().anyMatch(o -> "sub".equals(o.get("name"))
                    && ((List<?>) o.get("events")).equals(List.of("CREATE", "ISDIR")) && Boolean.TRUE.equals(o.get("isdir"))),
                    () -> "no CREATE,ISDIR sub with isdir true in:\n" + String.join("\n", out));
            for (Map<?, ?> o : objects) {
                assertTrue(time.matcher((String) o.get("time")).matches(),
                        () -> "\"time\" is not ISO 8601 with milliseconds and offset: " + o.get("time"));
            }
        }
    }

    @Test
    void withoutMonitorTheFirstEventEndsTheRunWithStatus0() throws Exception {
        Path d = dir("root");
        try (WatchProcess w = WatchProcess.lines(d, true, d.toString())) {
            Files.write(d.resolve("x"), bytes("1"));
            assertEquals(0, awaitExit(w), w::stderr);
            w.await(0, r -> true, WatchTestKit.TIMEOUT);
            assertEquals(d + "/ CREATE x", lines(w).get(0));
        }
    }

    @Test
    void timeoutWithoutEventExits2() throws Exception {
        Path d = dir("root");
        try (WatchProcess w = WatchProcess.lines(d, true, "-t", "1", d.toString())) {
            assertEquals(2, awaitExit(w), w::stderr);
            assertTrue(lines(w).isEmpty(), () -> "unexpected output: " + lines(w));
        }
    }

    @Test
    void missingPathIsAnError() throws Exception {
        Path missing = tmp.toRealPath().resolve("nope");
        try (WatchProcess w = WatchProcess.lines(tmp, false, "-m", missing.toString())) {
            assertEquals(1, awaitExit(w), w::stderr);
            w.awaitStderr("Couldn't watch " + missing + ": No such file or directory", WatchTestKit.TIMEOUT);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bogus", "create,bogus", "BOGUS"})
    void unknownEventNameIsAnError(String events) throws Exception {
        Path d = dir("root");
        String bad = events.substring(events.lastIndexOf(',') + 1);
        try (WatchProcess w = WatchProcess.lines(d, false, "-m", "-e", events, d.toString())) {
            assertEquals(1, awaitExit(w), w::stderr);
            // inflow names the bad word; inotifywait quotes the whole list it was given: either will do
            w.awaitStderr("is not a valid event!", WatchTestKit.TIMEOUT);
            assertTrue(w.stderr().contains("'" + bad + "' is not a valid event!")
                    || w.stderr().contains("'" + events + "' is not a valid event!"), w::stderr);
            assertFalse(w.stderr().contains("Watches established."), w.stderr());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--exclude=skip", "--excludei=SKIP"})
    void excludeKeepsMatchingPathsOut(String option) throws Exception {
        Path d = dir("root");
        String[] kv = option.split("=", 2);
        try (WatchProcess w = WatchProcess.records(d, "-m", "-r", kv[0], kv[1], d.toString())) {
            Files.write(d.resolve("skip.txt"), bytes("x"));
            Files.write(d.resolve("keep.txt"), bytes("x"));
            Files.createDirectory(d.resolve("skipdir"));
            w.sync();
            Files.write(d.resolve("skipdir/inner.txt"), bytes("x"));
            Files.createDirectory(d.resolve("keepdir"));
            w.sync();
            Files.write(d.resolve("keepdir/inner.txt"), bytes("x"));
            w.sync();
            List<WatchProcess.Event> ev = w.events();
            assertEquals(1, WatchTestKit.count(ev, child(d, "keep.txt"), "CREATE"), () -> show(ev));
            assertEquals(1, WatchTestKit.count(ev, child(d, "keepdir/inner.txt"), "CREATE"), () -> show(ev));
            assertEquals(2, w.watchCount(), "root and keepdir: an excluded directory is not watched");
            for (WatchProcess.Event e : ev) {
                assertFalse(e.pathString().toLowerCase().contains("skip"), () -> "excluded path reported: " + e + "\n" + show(ev));
            }
        }
    }

    @Test
    void includeReportsOnlyMatchingPaths() throws Exception {
        Path d = dir("root");
        try (WatchProcess w = WatchProcess.records(d, "-m", "-r", "--include", "(keep|\\.inflow-sync-)", d.toString())) {
            Files.write(d.resolve("other.txt"), bytes("x"));
            Files.write(d.resolve("keep.txt"), bytes("x"));
            w.sync();
            List<WatchProcess.Event> ev = w.events();
            assertEquals(1, WatchTestKit.count(ev, child(d, "keep.txt"), "CREATE"), () -> show(ev));
            for (WatchProcess.Event e : ev) {
                assertFalse(e.pathString().contains("other"), () -> "path not included reported: " + e);
            }
        }
    }

    @Test
    void outfileAppendsEvents() throws Exception {
        Path d = dir("root");
        Path log = tmp.toRealPath().resolve("events.log");
        Files.write(log, bytes("before\n"));
        try (WatchProcess w = WatchProcess.lines(d, true, "-m", "-e", "create", "-o", log.toString(), d.toString())) {
            Files.write(d.resolve("a"), bytes("x"));
            String marker = ".outfile-marker";
            Files.write(d.resolve(marker), bytes("x"));
            long deadline = System.nanoTime() + WatchTestKit.TIMEOUT.toNanos();
            while (!Files.readString(log).contains(marker)) {
                if (System.nanoTime() > deadline) {
                    fail("marker never reached " + log + ": " + Files.readString(log) + "\nstderr:\n" + w.stderr());
                }
                Thread.sleep(20);
            }
            List<String> got = Files.readAllLines(log, StandardCharsets.UTF_8);
            assertEquals("before", got.get(0));
            assertTrue(got.contains(d + "/ CREATE a"), got::toString);
            assertTrue(lines(w).isEmpty(), () -> "stdout should be empty with -o: " + lines(w));
        }
    }
}
