package org.inflow.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * `bin/inflow watch` started with a record format that also carries the move cookie
 * ({@link #FORMAT}: events, tab, cookie, tab, full path, NUL), so a consumer can pair
 * MOVED_FROM with MOVED_TO exactly. The process and its output are a {@link WatchProcess};
 * {@link #events} parses its records. {@link #sync} writes a marker file into the watched root
 * and waits for its event.
 */
final class StormWatch implements AutoCloseable {
    static final String FORMAT = "%e\t%c\t%w%f%0";
    static final String MARKER_PREFIX = ".storm-sync-";

    /**
     * One record: event names, cookie as printed (an opaque key: only equality matters, so decimal
     * or hex alike; "0" or "" when none), full path (%w%f).
     */
    static final class Event {
        final String[] names;
        final String cookie;
        final String path;

        Event(String[] names, String cookie, String path) {
            this.names = names;
            this.cookie = cookie;
            this.path = path;
        }

        boolean has(String name) {
            for (String n : names) {
                if (n.equals(name)) {
                    return true;
                }
            }
            return false;
        }

        static Event parse(byte[] r) {
            int t1 = indexOf(r, (byte) '\t', 0);
            int t2 = t1 < 0 ? -1 : indexOf(r, (byte) '\t', t1 + 1);
            if (t2 < 0) {
                // not in FORMAT: keep it whole, it shows in the diagnostics
                return new Event(new String[] {"?" + new String(r, StandardCharsets.UTF_8)}, "", "");
            }
            String ev = new String(r, 0, t1, StandardCharsets.US_ASCII);
            String cookie = new String(r, t1 + 1, t2 - t1 - 1, StandardCharsets.US_ASCII);
            String path = new String(r, t2 + 1, r.length - t2 - 1, StandardCharsets.UTF_8);
            return new Event(ev.split(","), cookie, path);
        }

        private static int indexOf(byte[] r, byte b, int from) {
            for (int i = from; i < r.length; i++) {
                if (r[i] == b) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public String toString() {
            return String.join(",", names) + (hasCookie() ? " [" + cookie + "]" : "") + " " + path;
        }

        boolean hasCookie() {
            return !cookie.isEmpty() && !cookie.equals("0");
        }
    }

    final Process process;
    private final WatchProcess watch;

    private StormWatch(WatchProcess watch) {
        this.watch = watch;
        this.process = watch.process;
    }

    /**
     * Starts `bin/inflow watch --format FORMAT --no-newline ARGS... ROOT` and waits until it is
     * ready. jar: the jar to run (INFLOW_JAR), or null for the launcher's default.
     */
    static StormWatch start(Path root, Path jar, String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("--format", FORMAT, "--no-newline"));
        all.addAll(List.of(args));
        all.add(root.toString());
        Map<String, String> env = jar == null ? Map.of() : Map.of("INFLOW_JAR", jar.toString());
        return new StormWatch(WatchProcess.start(root, (byte) 0, true, env, all.toArray(new String[0])));
    }

    /**
     * A private copy of the built jar (java/target/inflow-all.jar) in dir, or null if there is
     * none yet: a rebuild of the project while the storm runs replaces that jar under the running
     * watcher, whose next class load then fails.
     */
    static Path privateJar(Path dir) throws IOException, InterruptedException {
        Path jar = WatchProcess.home().resolve("java/target/inflow-all.jar");
        if (!Files.isRegularFile(jar)) {
            return null;
        }
        Path copy = dir.resolve("inflow-all.jar");
        for (int attempt = 0;; attempt++) {
            java.nio.file.attribute.FileTime before = Files.getLastModifiedTime(jar);
            Files.copy(jar, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            boolean whole = false;
            try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(copy.toFile())) {
                whole = z.getEntry("org/inflow/cli/Main.class") != null
                        && z.getEntry("META-INF/native/linux-x86_64/libinflow.so") != null;
            } catch (IOException halfWritten) {
                whole = false;
            }
            if (whole && before.equals(Files.getLastModifiedTime(jar))) {
                return copy;
            }
            if (attempt == 20) {
                throw new IOException(jar + " stays incomplete or keeps changing (a build running?)");
            }
            Thread.sleep(500); // caught it while a build was writing it
        }
    }

    String stderr() {
        return watch.stderr();
    }

    int size() {
        return watch.size();
    }

    /** Every event so far, parsed. */
    List<Event> events() {
        List<Event> out = new ArrayList<>();
        for (byte[] rec : watch.records()) {
            try {
                out.add(Event.parse(rec));
            } catch (RuntimeException bad) {
                out.add(new Event(new String[] {"?" + new String(rec, StandardCharsets.UTF_8)}, "", ""));
            }
        }
        return out;
    }

    /**
     * Writes a marker file into the root and waits for its event: every kernel event of what was
     * done before the call is before the returned index.
     */
    int sync(Duration timeout) throws IOException, InterruptedException {
        return watch.sync(MARKER_PREFIX, timeout);
    }

    /** Waits until no new event has arrived for `quiet` (at most `max`); returns the event count. */
    int awaitQuiet(Duration quiet, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        int last = size();
        long lastChange = System.nanoTime();
        while (System.nanoTime() < end) {
            Thread.sleep(50);
            int now = size();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange >= quiet.toNanos()) {
                break;
            }
        }
        return last;
    }

    @Override
    public void close() throws InterruptedException {
        watch.close();
    }
}
