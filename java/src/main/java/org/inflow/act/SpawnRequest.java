package org.inflow.act;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to run: an argv of byte strings (no shell unless argv[0] is one, see {@link #shell}), the
 * environment, the working directory, stdio, the user, a timeout. Immutable; build it with
 * {@link #command(byte[]...)}, {@link #command(String...)} or {@link #shell}.
 * <p>
 * Arguments, environment entries and the directory are bytes (file names need not be UTF-8) and
 * reach execve unchanged; none may contain a NUL byte.
 */
public final class SpawnRequest {
    /** How the child's stdin, stdout and stderr are connected. */
    public enum Stdio {
        /** stdin, stdout and stderr from/to /dev/null. */
        CLOSED,
        /** the daemon's own stdin, stdout and stderr. */
        INHERIT,
        /** stdin from /dev/null; stdout and stderr into one pipe, logged line by line at INFO with the pid. */
        CAPTURE,
        /** stdin from a pipe ({@link ChildHandle#stdin()}, e.g. a batch of paths); output captured as with CAPTURE. */
        STDIN_PIPE,
        /** stdin from /dev/null; stdout and stderr captured through a pipe each, stderr's lines told apart. */
        CAPTURE_SPLIT,
        /** stdin from /dev/null; stdout captured, stderr to /dev/null. */
        CAPTURE_STDOUT,
        /** stdin from /dev/null; stdout to /dev/null, stderr captured (its lines told apart as stderr's). */
        CAPTURE_STDERR
    }

    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);

    final byte[][] argv;
    final byte[][] env;
    final byte[] cwd;
    final Stdio stdio;
    final RunAs user;
    final long timeoutNanos;
    final long graceNanos;
    final System.Logger outputLogger;
    final OutputSink outputSink;
    final boolean closeUnused;

    private SpawnRequest(Builder b) {
        this.argv = b.argv;
        this.env = b.env;
        this.cwd = b.cwd;
        this.stdio = b.stdio;
        this.user = b.user;
        this.timeoutNanos = b.timeout.toNanos();
        this.graceNanos = b.grace.toNanos();
        this.outputLogger = b.outputLogger;
        this.outputSink = b.outputSink;
        this.closeUnused = b.closeUnused;
    }

    /** argv[0] is the program: a path, or a name searched in the daemon's PATH. */
    public static Builder command(byte[]... argv) {
        return new Builder(copyAll(argv, "argv"));
    }

    /** The same with arguments given as text (encoded as UTF-8). */
    public static Builder command(String... argv) {
        byte[][] b = new byte[argv.length][];
        for (int i = 0; i < argv.length; i++) {
            b[i] = Objects.requireNonNull(argv[i], "argv element").getBytes(StandardCharsets.UTF_8);
        }
        return new Builder(checked(b, "argv"));
    }

    /** The same with arguments given as a list of byte strings. */
    public static Builder command(List<byte[]> argv) {
        return command(argv.toArray(new byte[0][]));
    }

    /**
     * {@code SHELL -c SCRIPT NAME ARGS...}: for a dialect whose command is shell text. The
     * arguments (file names) become $1, $2, ... and are never pasted into the script; NAME ($0) is
     * the shell's file name.
     *
     * @param shell e.g. "/bin/sh" or "/bin/bash"
     */
    public static Builder shell(String shell, byte[] script, byte[]... args) {
        byte[] sh = shell.getBytes(StandardCharsets.UTF_8);
        String name = shell.substring(shell.lastIndexOf('/') + 1);
        byte[][] v = new byte[4 + args.length][];
        v[0] = sh;
        v[1] = new byte[] {'-', 'c'};
        v[2] = Objects.requireNonNull(script, "script").clone();
        v[3] = name.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < args.length; i++) {
            v[4 + i] = Objects.requireNonNull(args[i], "argument").clone();
        }
        return new Builder(checked(v, "argv"));
    }

    public byte[][] argv() {
        return copyAll(argv, "argv");
    }

    /** "NAME=value" entries, or null: the daemon's environment. */
    public byte[][] env() {
        return env == null ? null : copyAll(env, "env");
    }

    /** null: the daemon's working directory. */
    public byte[] cwd() {
        return cwd == null ? null : cwd.clone();
    }

    public Stdio stdio() {
        return stdio;
    }

    /** Whether fds 0-2 that would be /dev/null are closed instead. */
    public boolean closesUnused() {
        return closeUnused;
    }

    /** null: the daemon's own user. */
    public RunAs user() {
        return user;
    }

    /** Duration.ZERO: none. */
    public Duration timeout() {
        return Duration.ofNanos(timeoutNanos);
    }

    public Duration grace() {
        return Duration.ofNanos(graceNanos);
    }

    /** argv[0] for logs (bytes that are not UTF-8 shown as \xNN). */
    public String program() {
        return Text.printable(argv[0], 0, argv[0].length);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("SpawnRequest[");
        for (int i = 0; i < argv.length; i++) {
            sb.append(i == 0 ? "" : " ").append('\'').append(Text.printable(argv[i], 0, argv[i].length)).append('\'');
        }
        sb.append(", ").append(stdio);
        if (user != null) {
            sb.append(", ").append(user);
        }
        if (timeoutNanos > 0) {
            sb.append(", timeout ").append(timeout());
        }
        return sb.append(']').toString();
    }

    public static final class Builder {
        private final byte[][] argv;
        private byte[][] env;
        private byte[] cwd;
        private Stdio stdio = Stdio.CLOSED;
        private RunAs user;
        private Duration timeout = Duration.ZERO;
        private Duration grace = DEFAULT_GRACE;
        private System.Logger outputLogger;
        private OutputSink outputSink;
        private boolean closeUnused;

        private Builder(byte[][] argv) {
            if (argv.length == 0) {
                throw new IllegalArgumentException("argv is empty");
            }
            if (argv[0].length == 0) {
                throw new IllegalArgumentException("argv[0] (the program) is empty");
            }
            this.argv = argv;
        }

        /** "NAME=value" entries; null (the default): the daemon's environment. */
        public Builder env(byte[]... env) {
            if (env == null) {
                this.env = null;
                return this;
            }
            byte[][] e = copyAll(env, "env");
            for (byte[] entry : e) {
                int eq = indexOf(entry, (byte) '=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("environment entry is not NAME=value: "
                            + Text.printable(entry, 0, entry.length));
                }
            }
            this.env = e;
            return this;
        }

        /** The environment from a map (UTF-8), in its iteration order. */
        public Builder env(Map<String, String> vars) {
            List<byte[]> e = new ArrayList<>(vars.size());
            vars.forEach((k, v) -> e.add((k + "=" + v).getBytes(StandardCharsets.UTF_8)));
            return env(e.toArray(new byte[0][]));
        }

        /** The working directory; null (the default): the daemon's. */
        public Builder cwd(byte[] dir) {
            this.cwd = dir == null ? null : checked(new byte[][] {dir.clone()}, "cwd")[0];
            return this;
        }

        public Builder cwd(java.nio.file.Path dir) {
            return cwd(dir == null ? null : dir.toString().getBytes(StandardCharsets.UTF_8));
        }

        /** Default CLOSED. */
        public Builder stdio(Stdio mode) {
            this.stdio = Objects.requireNonNull(mode, "stdio");
            return this;
        }

        /** Run as this user (through the exec helper); null (the default): as the daemon. */
        public Builder user(RunAs user) {
            this.user = user;
            return this;
        }

        /** At the timeout the process group gets SIGTERM, after the grace SIGKILL. ZERO (the default): none. */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("negative timeout " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** Between SIGTERM and SIGKILL of a timed-out or terminated child; default 5 s. */
        public Builder grace(Duration grace) {
            if (grace.isNegative()) {
                throw new IllegalArgumentException("negative grace " + grace);
            }
            this.grace = grace;
            return this;
        }

        /** Where CAPTURE/STDIN_PIPE lines go (at INFO); null (the default): the spawner's output logger. */
        public Builder outputLogger(System.Logger logger) {
            this.outputLogger = logger;
            return this;
        }

        /** Captured lines go here rather than to a logger. */
        /** Standard streams the mode would put on /dev/null are closed instead (what some tools' children got). */
        public Builder closeUnused(boolean close) {
            this.closeUnused = close;
            return this;
        }

        public Builder outputSink(OutputSink sink) {
            this.outputSink = sink;
            return this;
        }

        public SpawnRequest build() {
            return new SpawnRequest(this);
        }
    }

    private static byte[][] copyAll(byte[][] in, String what) {
        Objects.requireNonNull(in, what);
        byte[][] out = new byte[in.length][];
        for (int i = 0; i < in.length; i++) {
            out[i] = Objects.requireNonNull(in[i], what + " element").clone();
        }
        return checked(out, what);
    }

    private static byte[][] checked(byte[][] v, String what) {
        for (byte[] b : v) {
            if (indexOf(b, (byte) 0) >= 0) {
                throw new IllegalArgumentException(what + " contains a NUL byte: " + Arrays.toString(b));
            }
        }
        return v;
    }

    private static int indexOf(byte[] b, byte x) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }
}
