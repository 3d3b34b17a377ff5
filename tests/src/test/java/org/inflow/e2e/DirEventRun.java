package org.inflow.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of bin/direvent as direvent's own test suite drives it: `direvent -f -lnotice -T PROG
 * CONF`, where the self-test program makes the changes and a handler records what it was given
 * (cwd, argv, DIREVENT_* environment, open descriptors) and, for the last expected event, sends
 * SIGHUP to $self_test_pid so the run ends with status 0 (21 means "the handler never fired").
 */
final class DirEventRun {
    final Path dir;
    final Path log;
    final Path handler;

    /** Added to the environment bin/direvent runs with. */
    final java.util.Map<String, String> env = new java.util.HashMap<>();
    int status;
    String stdout = "";
    String stderr = "";

    DirEventRun(Path dir) throws IOException {
        this.dir = dir;
        this.log = dir.resolve("handler.log");
        this.handler = dir.resolve("handler");
        // one line per run, written at once (handlers of different watchers run at the same time)
        String script = "#!/bin/sh\n"
                + "line=\"cwd=$PWD\"; end=\n"
                + "for a in \"$0\" \"$@\"; do line=\"$line <$a>\"; case \"$a\" in end|hup) end=1;; esac; done\n"
                + "line=\"$line env: $(env | grep '^DIREVENT\\|^ENVT_' | grep -v SELF_TEST | sort | tr '\\n' ' ')\"\n"
                + "printf '%s\\n' \"$line\" >> '" + log + "'\n"
                + "[ -n \"$end\" ] && kill -HUP \"$DIREVENT_SELF_TEST_PID\"\n"
                + "exit 0\n";
        Files.writeString(handler, script);
        Files.setPosixFilePermissions(handler, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    static Path launcher() {
        return WatchProcess.home().resolve("bin/direvent");
    }

    /** Writes the configuration: "$H" stands for the handler, "$T" for the run's directory. */
    Path config(String text) throws IOException {
        Path conf = dir.resolve("direvent.conf");
        Files.writeString(conf, expand(text));
        return conf;
    }

    String expand(String text) {
        return text.replace("@H", handler.toString()).replace("@T", dir.toString());
    }

    /** Self-test text that ends the run (status 0) once the handler has run n times, or with 21 after 15 s. */
    String untilRuns(int n) {
        return "i=0; while [ $i -lt 300 ]; do [ $(cat '" + log + "' 2>/dev/null | wc -l) -ge " + n
                + " ] && exit 0; sleep 0.05; i=$((i+1)); done; exit 21";
    }

    /** Runs bin/direvent ARGS..., waiting at most 60 s. */
    DirEventRun run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher().toString());
        for (String a : args) {
            cmd.add(expand(a));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().putAll(env);
        pb.redirectOutput(dir.resolve("stdout").toFile());
        pb.redirectError(dir.resolve("stderr").toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bin/direvent did not end within 60 s: " + cmd);
        }
        status = p.exitValue();
        stdout = Files.readString(dir.resolve("stdout"));
        stderr = Files.readString(dir.resolve("stderr"));
        return this;
    }

    /** The usual self-test run: -f -lnotice -T PROG CONF. */
    DirEventRun selfTest(String prog) throws IOException, InterruptedException {
        return run("-f", "-lnotice", "-T", prog, dir.resolve("direvent.conf").toString());
    }

    /** The handler's records, with the run directory shown as $T. */
    List<String> handlerLines() throws IOException {
        if (!Files.exists(log)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            out.add(l.replace(handler.toString(), "@H").replace(dir.toString(), "@T"));
        }
        return out;
    }

    @Override
    public String toString() {
        try {
            return "status " + status + "\nstderr:\n" + stderr + "handler:\n" + String.join("\n", handlerLines());
        } catch (IOException e) {
            return "status " + status + "\nstderr:\n" + stderr;
        }
    }
}
