package org.inflow.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** `bin/inflow inosync|inorun ARGS` run by a test: its log lines (stderr) are what it did. */
final class PyDaemonProcess implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(60);

    final Process process;
    /** stderr goes to a file: a pipe's last lines can be lost when the JDK drains it at exit. */
    private final Path log;

    private PyDaemonProcess(Process p, Path log) {
        this.process = p;
        this.log = log;
    }

    static PyDaemonProcess start(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(WatchProcess.launcher().toString());
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("pydaemon", ".log");
        log.toFile().deleteOnExit();
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(log.toFile());
        pb.environment().putAll(env);
        return new PyDaemonProcess(pb.start(), log);
    }

    static PyDaemonProcess start(String... args) throws IOException {
        return start(Map.of(), args);
    }

    List<String> lines() {
        try {
            String all = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
            List<String> out = new ArrayList<>(List.of(all.split("\n")));
            if (!all.endsWith("\n")) {
                out.remove(out.size() - 1); // a line still being written
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the log has a line containing `text`; returns that line. */
    String await(String text) throws InterruptedException {
        return awaitLines(all -> all.stream().anyMatch(l -> l.contains(text)), "a line with \"" + text + "\"")
                .stream().filter(l -> l.contains(text)).findFirst().orElseThrow();
    }

    List<String> awaitLines(Predicate<List<String>> done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            boolean alive = process.isAlive();
            List<String> now = lines();
            if (done.test(now)) {
                return now;
            }
            if (!alive) {
                throw new AssertionError("the daemon ended (" + process.exitValue() + ") before " + what + ": " + now);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " in the log: " + now);
            }
            Thread.sleep(20);
        }
    }

    int awaitExit() throws InterruptedException {
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("still running: " + lines());
        }
        return process.exitValue();
    }

    /** SIGTERM, then the exit status. */
    int stop() throws InterruptedException {
        process.destroy();
        return awaitExit();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** `diff -r a b` until it finds no difference; its last output if it never does. */
    static void awaitSame(Path a, Path b) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            Process d = new ProcessBuilder("diff", "-r", a.toString(), b.toString()).redirectErrorStream(true).start();
            last = new String(d.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (d.waitFor() == 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("diff -r " + a + " " + b + " never became empty:\n" + last);
    }

    /** `diff -r a b` is empty now. */
    static String diff(Path a, Path b) throws Exception {
        Process d = new ProcessBuilder("diff", "-r", a.toString(), b.toString()).redirectErrorStream(true).start();
        String out = new String(d.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        d.waitFor();
        return out;
    }
}
