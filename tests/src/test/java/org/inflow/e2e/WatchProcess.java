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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A real `bin/inflow watch` process. Its stdout is split into records on a separator byte
 * (NUL with {@link #records}, newline otherwise) and kept as raw bytes, so names with
 * newlines or invalid UTF-8 survive. Synchronise with {@link #sync}: it writes a marker file
 * and waits for its event, so everything done before it has been reported.
 */
final class WatchProcess implements AutoCloseable {
    /** --format that {@link Event#parse} reads: events, a tab, the full path, then NUL. */
    static final String[] RECORD_FORMAT = {"--format", "%e\t%w%f%0", "--no-newline"};

    private static final AtomicInteger MARKERS = new AtomicInteger();

    final Process process;
    private final Path syncDir;
    private final byte separator;
    private final List<byte[]> records = new ArrayList<>();
    private final StringBuffer stderr = new StringBuffer();
    private final Thread outReader;
    private final Thread errReader;

    private WatchProcess(Process p, Path syncDir, byte separator) {
        this.process = p;
        this.syncDir = syncDir;
        this.separator = separator;
        outReader = new Thread(() -> readRecords(p.getInputStream()), "watch-stdout");
        errReader = new Thread(() -> StreamText.collect(p.getErrorStream(), stderr), "watch-stderr");
        outReader.setDaemon(true);
        errReader.setDaemon(true);
        outReader.start();
        errReader.start();
    }

    static Path home() {
        return Path.of(System.getProperty("inflow.home", "..")).toAbsolutePath().normalize();
    }

    static Path launcher() {
        return home().resolve("bin/inflow");
    }

    /**
     * Starts `bin/inflow watch ARGS` with NUL-separated records (RECORD_FORMAT) and waits for
     * "Watches established.". syncDir is where {@link #sync} writes its markers (a watched dir).
     */
    static WatchProcess records(Path syncDir, String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of(RECORD_FORMAT));
        all.addAll(List.of(args));
        return start(syncDir, (byte) 0, true, Map.of(), all.toArray(new String[0]));
    }

    /** Starts `bin/inflow watch ARGS` as given; stdout split on newlines. */
    static WatchProcess lines(Path syncDir, boolean awaitEstablished, String... args) throws IOException, InterruptedException {
        return start(syncDir, (byte) '\n', awaitEstablished, Map.of(), args);
    }

    /**
     * Starts `bin/inflow watch ARGS` exactly as given, with env added to its environment (e.g.
     * INFLOW_JAR), and stdout split into records on sep. With awaitEstablished, waits for
     * "Watches established.".
     */
    static WatchProcess start(Path syncDir, byte sep, boolean awaitEstablished, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher().toString());
        cmd.add("watch");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        WatchProcess w = new WatchProcess(p, syncDir, sep);
        if (awaitEstablished) {
            w.awaitStderr("Watches established.", Duration.ofSeconds(60));
        }
        return w;
    }

    /** Splits stdout on the separator; the records of one read are added (and announced) together. */
    private void readRecords(InputStream in) {
        ByteArrayOutputStream cur = new ByteArrayOutputStream(256);
        byte[] buf = new byte[65536];
        List<byte[]> complete = new ArrayList<>();
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buf[i] == separator) {
                        cur.write(buf, start, i - start);
                        complete.add(cur.toByteArray());
                        cur.reset();
                        start = i + 1;
                    }
                }
                cur.write(buf, start, n - start);
                if (!complete.isEmpty()) {
                    synchronized (records) {
                        records.addAll(complete);
                        records.notifyAll();
                    }
                    complete.clear();
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
        synchronized (records) {
            records.notifyAll();
        }
    }

    String stderr() {
        return stderr.toString();
    }

    void awaitStderr(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (stderr) {
            while (stderr.indexOf(text) < 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && stderr.indexOf(text) < 0 && left < timeout.toNanos() - 1_000_000_000L)) {
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

    /** How many records so far. */
    int size() {
        synchronized (records) {
            return records.size();
        }
    }

    /** A copy of every record so far. */
    List<byte[]> records() {
        synchronized (records) {
            return new ArrayList<>(records);
        }
    }

    List<Event> events() {
        List<Event> out = new ArrayList<>();
        for (byte[] r : records()) {
            out.add(Event.parse(r));
        }
        return out;
    }

    /**
     * Waits until a record (from index `from`) satisfies the predicate; returns its index. Gives up
     * at the timeout, or as soon as stdout has ended (the process exited) without such a record.
     */
    int await(int from, Predicate<byte[]> match, Duration timeout) throws InterruptedException {
        return await(from, match, timeout, "matching event");
    }

    /** {@link #await(int, Predicate, Duration)}; `what` names the awaited record in the failure. */
    private int await(int from, Predicate<byte[]> match, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (records) {
            for (int i = from;; ) {
                for (; i < records.size(); i++) {
                    if (match.test(records.get(i))) {
                        return i;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !outReader.isAlive()) {
                    throw new AssertionError("no " + what + " within " + timeout + " (" + records.size()
                            + " records so far, watcher alive: " + process.isAlive() + "); stderr:\n" + stderr);
                }
                records.wait(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(left))));
            }
        }
    }

    /**
     * Writes a marker file into the sync directory and waits for its event (the watch must ask
     * for create or close_write there). Returns the index of the marker's first record: every
     * event of what was done before the call is before it.
     */
    int sync() throws IOException, InterruptedException {
        return sync(".inflow-sync-", Duration.ofSeconds(30));
    }

    /** {@link #sync()} with a marker named prefix + a number, waited for at most `timeout`. */
    int sync(String prefix, Duration timeout) throws IOException, InterruptedException {
        String name = prefix + MARKERS.incrementAndGet();
        Path marker = syncDir.resolve(name);
        byte[] suffix = ("/" + name).getBytes(StandardCharsets.UTF_8);
        Files.write(marker, new byte[] {1});
        try {
            return await(0, r -> endsWith(r, suffix), timeout, "sync marker " + name);
        } finally {
            Files.deleteIfExists(marker);
        }
    }

    static boolean endsWith(byte[] r, byte[] suffix) {
        if (r.length < suffix.length) {
            return false;
        }
        for (int i = 0; i < suffix.length; i++) {
            if (r[r.length - suffix.length + i] != suffix[i]) {
                return false;
            }
        }
        return true;
    }

    /** inotify watches this process holds now, counted from /proc/PID/fdinfo. */
    int watchCount() throws IOException {
        return inotifyWatchLines(process.pid()).size();
    }

    /**
     * The "inotify wd:" lines of /proc/PID/fdinfo (one per watch, over all of pid's inotify fds).
     * Throws if the process is gone; an fd closed while listing is passed over.
     */
    static List<String> inotifyWatchLines(long pid) throws IOException {
        List<String> watches = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fdinfo"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    for (String line : Files.readAllLines(fd)) {
                        if (line.startsWith("inotify wd:")) {
                            watches.add(line);
                        }
                    }
                } catch (IOException gone) {
                    // an fd closed while we listed
                }
            }
        }
        return watches;
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

    /** One record of RECORD_FORMAT: event names and the full path as bytes. */
    static final class Event {
        final List<String> names;
        final byte[] path;

        private Event(List<String> names, byte[] path) {
            this.names = names;
            this.path = path;
        }

        static Event parse(byte[] record) {
            int tab = 0;
            while (tab < record.length && record[tab] != '\t') {
                tab++;
            }
            String ev = new String(record, 0, tab, StandardCharsets.US_ASCII);
            byte[] path = tab + 1 <= record.length ? java.util.Arrays.copyOfRange(record, Math.min(tab + 1, record.length), record.length) : new byte[0];
            return new Event(List.of(ev.split(",")), path);
        }

        boolean has(String name) {
            return names.contains(name);
        }

        String pathString() {
            return new String(path, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return names + " " + pathString();
        }
    }
}
