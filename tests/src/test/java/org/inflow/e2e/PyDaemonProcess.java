package org.inflow.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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
    private final List<String> lines = new ArrayList<>();

    private PyDaemonProcess(Process p) {
        this.process = p;
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(l);
                        lines.notifyAll();
                    }
                }
            } catch (IOException closed) {
                // the process ended
            }
        }, "pydaemon-stderr");
        t.setDaemon(true);
        t.start();
    }

    static PyDaemonProcess start(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(WatchProcess.launcher().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        return new PyDaemonProcess(pb.start());
    }

    static PyDaemonProcess start(String... args) throws IOException {
        return start(Map.of(), args);
    }

    List<String> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    /** Waits until the log has a line containing `text`; returns that line. */
    String await(String text) throws InterruptedException {
        return awaitLines(all -> all.stream().anyMatch(l -> l.contains(text)), "a line with \"" + text + "\"")
                .stream().filter(l -> l.contains(text)).findFirst().orElseThrow();
    }

    List<String> awaitLines(Predicate<List<String>> done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        synchronized (lines) {
            while (!done.test(lines)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no " + what + " in the log: " + lines);
                }
                if (!process.isAlive() && !done.test(lines)) {
                    lines.wait(200); // the last lines may still be on their way
                    if (!done.test(lines)) {
                        throw new AssertionError("the daemon ended (" + process.exitValue() + ") before " + what
                                + ": " + lines);
                    }
                    break;
                }
                lines.wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 200));
            }
            return new ArrayList<>(lines);
        }
    }

    int awaitExit() throws InterruptedException {
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("still running: " + lines());
        }
        Thread.sleep(50); // let the reader take the last lines
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
