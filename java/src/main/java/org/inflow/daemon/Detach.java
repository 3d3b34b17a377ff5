package org.inflow.daemon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
        cmd.add("-f");
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        List<String> argv = cmdline();
        cmd.addAll(argv.subList(1, argv.size()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put(ENV, "1");
        Process p = pb.start();
        int status = 1;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals(READY)) {
                    return 0;
                }
                if (line.startsWith(EXIT)) {
                    status = parseStatus(line.substring(EXIT.length()));
                    continue;
                }
                err.println(line);
            }
        }
        p.waitFor();
        return status;
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
