package org.inflow.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Helpers for the watch end-to-end tests (WatchEventsTest, WatchTreeTest, WatchLimitsTest):
 * shell commands, byte paths, kernel sysctls, line-mode synchronisation, a small strict JSON
 * reader and /proc/PID/fdinfo inode lookups. Kept apart from the shared {@link WatchProcess}.
 */
final class WatchTestKit {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger LINE_MARKERS = new AtomicInteger();

    private WatchTestKit() {
    }

    // ---------------------------------------------------------------- processes

    /** Runs `/bin/sh -c SCRIPT sh ARGS...` in dir, waits (60 s at most) and asserts exit status 0. */
    static String sh(Path dir, String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", script, "sh"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            fail("sh -c '" + script + "' did not finish");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> "sh -c '" + script + "' failed:\n" + text);
        return text;
    }

    /** Waits for the watch process to end by itself and returns its exit status. */
    static int awaitExit(WatchProcess w) throws InterruptedException {
        if (!w.process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            fail("the watch process did not exit within " + TIMEOUT + "; stderr:\n" + w.stderr());
        }
        return w.process.exitValue();
    }

    static boolean isRoot() {
        try {
            return Files.isWritable(Path.of("/proc/sys/fs/inotify/max_queued_events"))
                    && "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes(),
                            StandardCharsets.US_ASCII).trim());
        } catch (IOException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- sysctl

    static long readSysctl(String name) throws IOException {
        // not Files.readString/readAllBytes: they size the read from st_size, which is 0 in /proc
        try (java.io.InputStream in = Files.newInputStream(Path.of("/proc/sys/fs/inotify", name))) {
            byte[] all = in.readAllBytes();
            long v = Long.parseLong(new String(all, StandardCharsets.US_ASCII).trim());
            if (v <= 0) {
                throw new IOException("odd value " + v + " read from fs.inotify." + name);
            }
            return v;
        }
    }

    static void writeSysctl(String name, long value) throws IOException {
        Files.writeString(Path.of("/proc/sys/fs/inotify", name), value + "\n");
    }

    /** inotify watches held right now by all processes (as root: all of them; the limit is per user). */
    static int inotifyWatchesInUse() throws IOException {
        int n = 0;
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                if (!proc.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    n += WatchProcess.inotifyWatchLines(Long.parseLong(proc.getFileName().toString())).size();
                } catch (IOException gone) {
                    // the process ended meanwhile
                }
            }
        }
        return n;
    }

    /** The inode numbers the process's inotify watches are on (from /proc/PID/fdinfo). */
    static Set<Long> watchedInodes(WatchProcess w) throws IOException {
        Set<Long> inodes = new HashSet<>();
        for (String line : WatchProcess.inotifyWatchLines(w.process.pid())) {
            for (String field : line.split("\\s+")) {
                if (field.startsWith("ino:")) {
                    inodes.add(Long.parseLong(field.substring(4), 16));
                }
            }
        }
        return inodes;
    }

    static long inode(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
    }

    /**
     * Polls the process's kernel watch count until it equals `expected` (watch removal is done by
     * the engine after it has read the event; this is a condition with a deadline, not a sleep).
     */
    static void awaitWatchCount(WatchProcess w, int expected, String why) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        int n;
        while ((n = w.watchCount()) != expected) {
            if (System.nanoTime() > deadline) {
                fail(why + ": the process holds " + n + " inotify watches, expected " + expected
                        + "; stderr:\n" + w.stderr());
            }
            Thread.sleep(20);
        }
    }

    // ---------------------------------------------------------------- records

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.write(p, 0, p.length);
        }
        return out.toByteArray();
    }

    /** dir's path bytes + "/" + name bytes: what %w%f gives for an entry of a watched dir. */
    static byte[] child(Path dir, byte[] name) {
        return concat(bytes(dir.toString()), new byte[] {'/'}, name);
    }

    static byte[] child(Path dir, String name) {
        return child(dir, bytes(name));
    }

    static boolean isMarker(WatchProcess.Event e) {
        return e.pathString().contains(".inflow-sync-") || e.pathString().contains(".lines-sync-");
    }

    /** Events in [from, to) of the process, in order. */
    static List<WatchProcess.Event> events(WatchProcess w, int from, int to) {
        return w.events().subList(from, to);
    }

    static List<WatchProcess.Event> withPath(List<WatchProcess.Event> events, byte[] path) {
        return events.stream().filter(e -> Arrays.equals(e.path, path)).collect(Collectors.toList());
    }

    static long count(List<WatchProcess.Event> events, byte[] path, String name) {
        return withPath(events, path).stream().filter(e -> e.has(name)).count();
    }

    static String show(List<WatchProcess.Event> events) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        for (WatchProcess.Event e : events) {
            if (i++ == 400) {
                sb.append("  ... ").append(events.size() - 400).append(" more\n");
                break;
            }
            sb.append("  ").append(e.names).append(' ').append(printable(e.path)).append('\n');
        }
        return sb.toString();
    }

    /** Bytes for a message: ASCII as is, everything else as \xNN. */
    static String printable(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            int c = x & 0xff;
            if (c >= 0x20 && c < 0x7f) {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        return sb.toString();
    }

    /** Asserts an event with exactly these names (in this order) on this path is in the list; returns its index. */
    static int assertEvent(List<WatchProcess.Event> events, int from, List<String> names, byte[] path) {
        for (int i = from; i < events.size(); i++) {
            WatchProcess.Event e = events.get(i);
            if (e.names.equals(names) && Arrays.equals(e.path, path)) {
                return i;
            }
        }
        fail("no " + names + " " + printable(path) + " (from index " + from + ") in:\n" + show(events));
        return -1;
    }

    // ---------------------------------------------------------------- line mode

    /**
     * For processes started with {@link WatchProcess#lines}: writes a marker into dir and waits for
     * a line that names it (any output format). Returns the index of that line.
     */
    static int syncLines(WatchProcess w, Path dir) throws IOException, InterruptedException {
        String name = ".lines-sync-" + LINE_MARKERS.incrementAndGet();
        Files.write(dir.resolve(name), new byte[] {1});
        byte[] needle = bytes(name);
        int at = w.await(0, r -> indexOf(r, needle) >= 0, TIMEOUT);
        Files.deleteIfExists(dir.resolve(name));
        return at;
    }

    /**
     * Like {@link WatchProcess#sync} but with the marker in the given (watched) directory, for
     * processes started with {@link WatchProcess#records}. Returns the marker record's index.
     */
    static int syncIn(WatchProcess w, Path dir) throws IOException, InterruptedException {
        String name = ".inflow-sync-kit-" + LINE_MARKERS.incrementAndGet();
        Files.write(dir.resolve(name), new byte[] {1});
        byte[] suffix = bytes("/" + name);
        int at = w.await(0, r -> WatchProcess.endsWith(r, suffix), TIMEOUT);
        Files.deleteIfExists(dir.resolve(name));
        return at;
    }

    static List<String> lines(WatchProcess w) {
        return w.records().stream().map(r -> new String(r, StandardCharsets.UTF_8)).collect(Collectors.toList());
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (hay[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // ---------------------------------------------------------------- JSON

    /**
     * A strict JSON reader (RFC 8259) for one value: objects become LinkedHashMaps, arrays Lists,
     * numbers Doubles or Longs. String escapes are decoded to UTF-16 as is, so lone surrogates
     * (backslash-u-dcXX) survive for {@link #surrogateEscapeBytes}. Throws IllegalArgumentException on any
     * deviation.
     */
    static Object parseJson(String text) {
        JsonReader r = new JsonReader(text);
        r.ws();
        Object v = r.value();
        r.ws();
        if (r.pos != text.length()) {
            throw r.error("trailing characters");
        }
        return v;
    }

    /** The bytes a surrogateescape string stands for: U+DC80..U+DCFF → 0x80..0xFF, the rest UTF-8. */
    static byte[] surrogateEscapeBytes(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); ) {
            char c = s.charAt(i);
            if (c >= 0xdc80 && c <= 0xdcff) {
                out.write(c & 0xff);
                i++;
                continue;
            }
            int cp = s.codePointAt(i);
            byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
            out.write(b, 0, b.length);
            i += Character.charCount(cp);
        }
        return out.toByteArray();
    }

    private static final class JsonReader {
        private final String s;
        int pos;

        JsonReader(String s) {
            this.s = s;
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at " + pos + " in: " + s);
        }

        void ws() {
            while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) {
                pos++;
            }
        }

        char peek() {
            if (pos >= s.length()) {
                throw error("unexpected end");
            }
            return s.charAt(pos);
        }

        void expect(String word) {
            if (!s.startsWith(word, pos)) {
                throw error("expected " + word);
            }
            pos += word.length();
        }

        Object value() {
            char c = peek();
            switch (c) {
                case '{': return object();
                case '[': return array();
                case '"': return string();
                case 't': expect("true"); return Boolean.TRUE;
                case 'f': expect("false"); return Boolean.FALSE;
                case 'n': expect("null"); return null;
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    throw error("unexpected '" + c + "'");
            }
        }

        Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            pos++;
            ws();
            if (peek() == '}') {
                pos++;
                return m;
            }
            while (true) {
                ws();
                if (peek() != '"') {
                    throw error("expected a key");
                }
                String k = string();
                if (m.containsKey(k)) {
                    throw error("duplicate key " + k);
                }
                ws();
                expect(":");
                ws();
                m.put(k, value());
                ws();
                char c = peek();
                pos++;
                if (c == '}') {
                    return m;
                }
                if (c != ',') {
                    throw error("expected , or }");
                }
            }
        }

        List<Object> array() {
            List<Object> l = new ArrayList<>();
            pos++;
            ws();
            if (peek() == ']') {
                pos++;
                return l;
            }
            while (true) {
                ws();
                l.add(value());
                ws();
                char c = peek();
                pos++;
                if (c == ']') {
                    return l;
                }
                if (c != ',') {
                    throw error("expected , or ]");
                }
            }
        }

        String string() {
            StringBuilder sb = new StringBuilder();
            pos++;
            while (true) {
                char c = peek();
                pos++;
                if (c == '"') {
                    return sb.toString();
                }
                if (c < 0x20) {
                    throw error("raw control character in a string");
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                char e = peek();
                pos++;
                switch (e) {
                    case '"': sb.append('"'); break;
                    case '\\': sb.append('\\'); break;
                    case '/': sb.append('/'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case 't': sb.append('\t'); break;
                    case 'u':
                        if (pos + 4 > s.length()) {
                            throw error("short \\u escape");
                        }
                        try {
                            sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException bad) {
                            throw error("bad \\u escape");
                        }
                        pos += 4;
                        break;
                    default:
                        throw error("bad escape \\" + e);
                }
            }
        }

        Number number() {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            if (peek() == '0') {
                pos++;
            } else {
                digits();
            }
            boolean fraction = false;
            if (pos < s.length() && s.charAt(pos) == '.') {
                pos++;
                digits();
                fraction = true;
            }
            if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                pos++;
                if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                    pos++;
                }
                digits();
                fraction = true;
            }
            String t = s.substring(start, pos);
            return fraction ? (Number) Double.parseDouble(t) : (Number) Long.parseLong(t);
        }

        void digits() {
            int start = pos;
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                pos++;
            }
            if (pos == start) {
                throw error("expected digits");
            }
        }
    }

    static void assertTrueWith(boolean ok, String message, WatchProcess w) {
        assertTrue(ok, () -> message + "\nevents:\n" + show(w.events()) + "stderr:\n" + w.stderr());
    }
}
