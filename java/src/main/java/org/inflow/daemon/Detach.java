package org.inflow.daemon;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.inflow.act.NativeSpawner;
import org.inflow.act.OutputSink;
import org.inflow.act.SpawnRequest;

import org.inflow.kernel.Posix;

/**
 * Going into the background, as a JVM can: it cannot fork, so the command line it was started
 * with (/proc/self/cmdline) is run again through setsid(1) in a new session, with a pipe for
 * stdout and stderr. The copy does its whole start-up (configuration, watches, pid file), then
 * calls {@link #ready}: the launching process exits 0 and the copy's stdio goes to /dev/null.
 * Errors before that reach the user's terminal, and the launcher exits with the copy's status.
 * The daemon keeps the launch directory, so relative paths mean what the user meant.
 */
public final class Detach {
    /** Set in the environment of the background copy. */
    public static final String ENV = "INFLOW_DETACHED";
    private static final String READY = "\u0001inflow-ready";
    private static final String EXIT = "\u0001inflow-exit ";

    private static volatile boolean signalled;

    private Detach() {
    }

    /** True in the background copy until it has called {@link #ready} or {@link #exiting}. */
    public static boolean isBackgroundCopy() {
        return System.getenv(ENV) != null && !signalled;
    }

    /**
     * In the process the user started: runs the background copy and waits until it is ready or
     * has failed. @return the exit status for this process: 0 once the copy is ready
     */
    public static int launch(PrintStream err) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(setsid());
        cmd.add("-f"); // fork even when not a group leader: the copy must not be our child
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        List<String> argv = cmdline();
        cmd.addAll(argv.subList(1, argv.size()));
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put(ENV, "1");
        // The pipe outlives setsid(1), which exits at once; a JDK Process would close it then,
        // so the copy is started by our own spawner, whose capture reads the pipe to its end.
        CompletableFuture<Integer> outcome = new CompletableFuture<>();
        int[] exitStatus = {1};
        OutputSink relay = new OutputSink() {
            @Override
            public void line(int pid, byte[] line, int length) {
                String text = new String(line, 0, length, StandardCharsets.UTF_8);
                if (text.equals(READY)) {
                    outcome.complete(0);
                } else if (text.startsWith(EXIT)) {
                    exitStatus[0] = parseStatus(text.substring(EXIT.length()));
                } else {
                    err.println(text);
                }
            }

            @Override
            public void closed() {
                outcome.complete(exitStatus[0]);
            }
        };
        try (NativeSpawner spawner = new NativeSpawner()) {
            spawner.spawn(SpawnRequest.command(cmd.toArray(new String[0])).env(env)
                    .stdio(SpawnRequest.Stdio.CAPTURE).outputSink(relay).build());
            try {
                return outcome.get();
            } catch (ExecutionException e) {
                throw new IOException(e.getCause());
            }
        }
    }

    /** In the background copy: start-up is done; the launcher may exit 0; stdio goes to /dev/null. */
    public static void ready() throws IOException {
        if (!isBackgroundCopy()) {
            return;
        }
        signalled = true;
        System.out.println(READY);
        System.out.flush();
        System.err.flush();
        Posix.nullStdio();
    }

    /** In the background copy, before exiting with `status` during start-up: the launcher exits so too. */
    public static void exiting(int status) {
        if (!isBackgroundCopy()) {
            return;
        }
        signalled = true;
        System.err.flush();
        System.out.println(EXIT + status);
        System.out.flush();
    }

    private static int parseStatus(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static String setsid() {
        for (String p : new String[] {"/usr/bin/setsid", "/bin/setsid"}) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return "setsid";
    }

    private static List<String> cmdline() throws IOException {
        byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                out.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return out;
    }
}
