package org.inflow.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Signals to processes a test started, by pid. */
final class Signals {
    private Signals() {
    }

    static void hup(long pid) throws IOException, InterruptedException {
        kill("-HUP", pid);
    }

    /** SIGTERM, and waits (up to 20 s) until the process is gone. */
    static void term(long pid) throws IOException, InterruptedException {
        kill("-TERM", pid);
        ProcessHandle.of(pid).ifPresent(h -> {
            try {
                h.onExit().get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        });
    }

    private static void kill(String sig, long pid) throws IOException, InterruptedException {
        new ProcessBuilder("kill", sig, Long.toString(pid)).inheritIO().start().waitFor();
    }

    /** The pid of the process whose command line has `arg` as one of its arguments, or -1. */
    static long find(String arg) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit) || Long.parseLong(name) == ProcessHandle.current().pid()) {
                    continue;
                }
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    for (String a : cmd.split("\0")) {
                        if (a.equals(arg) && cmd.contains("inosync") && cmd.contains("java")) {
                            return Long.parseLong(name);
                        }
                    }
                } catch (IOException gone) {
                    // it ended while we looked
                }
            }
        }
        return -1;
    }
}
