package org.inflow.e2e.incron;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.inflow.e2e.StreamText;

/**
 * A real `bin/incrond -n -f CONF` with every directory in a temp dir, plus a handler script
 * (h.sh) that appends one NUL-terminated record per run to `log`: "argc=N" then each argument
 * as "[arg]". Tests synchronise on the daemon's stderr lines and on records, never on sleeps:
 * {@link #sync} creates a marker the zz-sync table reacts to and waits for its record.
 */
final class IncronRig implements AutoCloseable {
    private static final AtomicInteger MARKERS = new AtomicInteger();

    final Path dir;
    final Path sys;
    final Path user;
    final Path lock;
    final Path conf;
    final Path handler;
    final Path log;
    final Path syncDir;
    Process process;
    /** Added to the daemon's environment (e.g. INFLOW_JAVA_OPTS). */
    final java.util.Map<String, String> env = new java.util.HashMap<>();
    private final StringBuffer stderr = new StringBuffer();

    IncronRig(Path dir) throws IOException {
        this.dir = dir.toRealPath();
        sys = Files.createDirectories(this.dir.resolve("sys"));
        user = Files.createDirectories(this.dir.resolve("user"));
        lock = Files.createDirectories(this.dir.resolve("lock"));
        syncDir = Files.createDirectories(this.dir.resolve("sync"));
        conf = this.dir.resolve("incron.conf");
        Files.writeString(conf, "system_table_dir = " + sys + "\nuser_table_dir = " + user + "\nallowed_users = "
                + this.dir.resolve("allow") + "\ndenied_users = " + this.dir.resolve("deny") + "\nlockfile_dir = " + lock
                + "\n");
        log = this.dir.resolve("log");
        handler = this.dir.resolve("h.sh");
        Files.writeString(handler, "#!/bin/bash\nr=\"argc=$#\"\nfor a in \"$@\"; do r+=\"[$a]\"; done\n"
                + "printf '%s\\0' \"$r\" >> " + log + "\n");
        handler.toFile().setExecutable(true, false);
        Files.writeString(log, "");
        log.toFile().setWritable(true, false);
        table("zz-sync", syncDir + " IN_CREATE " + handler + " sync $#\n");
    }

    static Path home() {
        return Path.of(System.getProperty("inflow.home", "..")).toAbsolutePath().normalize();
    }

    static boolean isRoot() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Writes a system table in one step (a rename), as a package manager would. */
    void table(String name, String text) throws IOException {
        Path tmp = dir.resolve(".tmp-" + name);
        Files.writeString(tmp, text);
        Files.move(tmp, sys.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    IncronRig start() throws IOException, InterruptedException {
        int before = count("ready to process filesystem events");
        process = launch("-n", "-f", conf.toString());
        awaitLog("ready to process filesystem events", before + 1);
        return this;
    }

    /** bin/incrond with these arguments, run in the rig's directory; stderr collected. */
    Process launch(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(home().resolve("bin/incrond").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().putAll(env);
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        Thread t = new Thread(() -> StreamText.collect(p.getErrorStream(), stderr), "incrond-stderr");
        t.setDaemon(true);
        t.start();
        return p;
    }

    String stderr() {
        return stderr.toString();
    }

    int count(String text) {
        String s = stderr.toString();
        int n = 0;
        for (int i = s.indexOf(text); i >= 0; i = s.indexOf(text, i + 1)) {
            n++;
        }
        return n;
    }

    void awaitLog(String text) throws InterruptedException {
        awaitLog(text, 1);
    }

    /** Waits until `text` has appeared on the daemon's stderr `times` times. */
    void awaitLog(String text, int times) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        synchronized (stderr) {
            while (count(text) < times) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no '" + text + "' (x" + times + ") from incrond; stderr:\n" + stderr);
                }
                stderr.wait(Math.max(1, Math.min(50, TimeUnit.NANOSECONDS.toMillis(left))));
            }
        }
    }

    /** Every record so far (each: "argc=N[a][b]..."), bytes as ISO-8859-1 so nothing is lost. */
    List<String> records() throws IOException {
        byte[] b;
        try {
            b = Files.readAllBytes(log);
        } catch (NoSuchFileException none) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                out.add(new String(b, start, i - start, StandardCharsets.ISO_8859_1));
                start = i + 1;
            }
        }
        return out;
    }

    /** Records other than the sync table's. */
    List<String> runs() throws IOException {
        List<String> out = new ArrayList<>();
        for (String r : records()) {
            if (!r.startsWith("argc=2[sync][")) {
                out.add(r);
            }
        }
        return out;
    }

    /** Waits for a record the predicate accepts. */
    String await(Predicate<String> p) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            for (String r : records()) {
                if (p.test(r)) {
                    return r;
                }
            }
            Thread.sleep(20); // polling the handler's log file: its growth is the effect we wait for
        }
        throw new AssertionError("no such run; runs:\n" + String.join("\n", runs()) + "\nstderr:\n" + stderr);
    }

    String await(String exact) throws IOException, InterruptedException {
        return await(exact::equals);
    }

    /** Everything done before this has been seen by the daemon (and its commands started). */
    void sync() throws IOException, InterruptedException {
        String m = "m" + MARKERS.incrementAndGet();
        Files.createFile(syncDir.resolve(m));
        await("argc=2[sync][" + m + "]");
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static String latin1(String utf8) {
        return latin1(utf8(utf8));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }
}
