package org.inflow.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * `bin/inflow watch` started with a record format that also carries the move cookie
 * ({@link #FORMAT}: events, tab, cookie, tab, full path, NUL), so a consumer can pair
 * MOVED_FROM with MOVED_TO exactly. Records are parsed as they arrive. {@link #sync} writes a
 * marker file into the watched root and waits for its event.
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
    private final Path root;
    private final List<Event> events = new ArrayList<>();
    private final StringBuffer stderr = new StringBuffer();
    private final Thread outReader;
    private final Thread errReader;
    private int markers;

    private StormWatch(Process p, Path root) {
        this.process = p;
        this.root = root;
        outReader = new Thread(() -> readRecords(p.getInputStream()), "storm-stdout");
        errReader = new Thread(() -> readStderr(p.getErrorStream()), "storm-stderr");
        outReader.setDaemon(true);
        errReader.setDaemon(true);
        outReader.start();
        errReader.start();
    }

    /**
     * Starts `bin/inflow watch --format FORMAT --no-newline ARGS... ROOT` and waits until it is
     * ready. jar: the jar to run (INFLOW_JAR), or null for the launcher's default.
     */
    static StormWatch start(Path root, Path jar, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(WatchProcess.launcher().toString());
        cmd.add("watch");
        cmd.add("--format");
        cmd.add(FORMAT);
        cmd.add("--no-newline");
        cmd.addAll(List.of(args));
        cmd.add(root.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (jar != null) {
            pb.environment().put("INFLOW_JAR", jar.toString());
        }
        Process p = pb.start();
        p.getOutputStream().close();
        StormWatch w = new StormWatch(p, root);
        w.awaitStderr("Watches established.", Duration.ofSeconds(60));
        return w;
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

    private void readRecords(InputStream in) {
        ByteArrayOutputStream cur = new ByteArrayOutputStream(256);
        byte[] buf = new byte[1 << 16];
        List<Event> parsed = new ArrayList<>();
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buf[i] == 0) {
                        cur.write(buf, start, i - start);
                        byte[] rec = cur.toByteArray();
                        try {
                            parsed.add(Event.parse(rec));
                        } catch (RuntimeException bad) {
                            parsed.add(new Event(new String[] {"?" + new String(rec, StandardCharsets.UTF_8)}, "", ""));
                        }
                        cur.reset();
                        start = i + 1;
                    }
                }
                cur.write(buf, start, n - start);
                if (!parsed.isEmpty()) {
                    synchronized (events) {
                        events.addAll(parsed);
                        events.notifyAll();
                    }
                    parsed.clear();
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
        synchronized (events) {
            events.notifyAll();
        }
    }

    private void readStderr(InputStream in) {
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                stderr.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                synchronized (stderr) {
                    stderr.notifyAll();
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
        synchronized (stderr) {
            stderr.notifyAll();
        }
    }

    String stderr() {
        return stderr.toString();
    }

    private void awaitStderr(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (stderr) {
            while (stderr.indexOf(text) < 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive()) {
                    throw new AssertionError("no '" + text + "' on stderr within " + timeout
                            + (process.isAlive() ? "" : " (the watcher exited with status " + exitStatus() + ")")
                            + "; stderr so far:\n" + stderr);
                }
                stderr.wait(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(left))));
            }
        }
    }

    private String exitStatus() {
        try {
            return Integer.toString(process.waitFor(1, TimeUnit.SECONDS) ? process.exitValue() : -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    int size() {
        synchronized (events) {
            return events.size();
        }
    }

    /** A copy of every event so far. */
    List<Event> events() {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }

    /**
     * Writes a marker file into the root and waits for its event: every kernel event of what was
     * done before the call is before the returned index.
     */
    int sync(Duration timeout) throws IOException, InterruptedException {
        String name = MARKER_PREFIX + (++markers);
        Path marker = root.resolve(name);
        String suffix = "/" + name;
        int from = size();
        Files.write(marker, new byte[] {1});
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            synchronized (events) {
                for (int i = from;; ) {
                    for (; i < events.size(); i++) {
                        if (events.get(i).path.endsWith(suffix)) {
                            return i;
                        }
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !process.isAlive()) {
                        throw new AssertionError("the sync marker " + name + " was not reported within " + timeout
                                + " (" + events.size() + " events so far, watcher alive: " + process.isAlive()
                                + "); stderr:\n" + stderr);
                    }
                    events.wait(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(left))));
                }
            }
        } finally {
            Files.deleteIfExists(marker);
        }
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
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        outReader.join(5000);
        errReader.join(1000);
    }
}
