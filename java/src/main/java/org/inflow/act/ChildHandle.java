package org.inflow.act;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A running (or ended) child of a {@link NativeSpawner}: its pid, its exit as a future completed
 * by the reaper thread, its stdin pipe for {@link SpawnRequest.Stdio#STDIN_PIPE}, and a way to stop
 * it early.
 */
public final class ChildHandle {
    final NativeSpawner spawner;
    final int tag;
    final int pid;
    final int pidfd;
    final SpawnRequest request;
    final long startNanos;
    final long execNanos;
    final CompletableFuture<ChildExit> exit = new CompletableFuture<>();
    final PipeStream stdin;
    volatile boolean terminateRequested;

    // Reaper thread only:
    long deadline;
    /** 0 running, 1 SIGTERM sent (deadline = end of grace), 2 SIGKILL sent. */
    int phase;
    boolean scheduled;
    boolean timedOut;
    boolean ended;
    Capture capture;
    /** stderr's own capture (CAPTURE_SPLIT, CAPTURE_STDERR) and the reaper's tag for its pipe. */
    Capture errCapture;
    int errTag = -1;

    ChildHandle(NativeSpawner spawner, int tag, int pid, int pidfd, int stdinFd, SpawnRequest request, long startNanos,
                long execNanos) {
        this.spawner = spawner;
        this.tag = tag;
        this.pid = pid;
        this.pidfd = pidfd;
        this.request = request;
        this.startNanos = startNanos;
        this.execNanos = execNanos;
        this.stdin = stdinFd >= 0 ? new PipeStream(stdinFd) : null;
    }

    /** The child's pid, which is also its process group id. */
    public int pid() {
        return pid;
    }

    public SpawnRequest request() {
        return request;
    }

    /** System.nanoTime() just before the spawn. */
    public long startNanos() {
        return startNanos;
    }

    /**
     * System.nanoTime() as soon as posix_spawn returned, before the spawner's own bookkeeping:
     * the child had exec'd by then (posix_spawn waits for the exec), so this bounds the exec
     * time from above, as closely as the parent can see it.
     */
    public long execNanos() {
        return execNanos;
    }

    /**
     * Completed by the reaper thread once the child is reaped (captured output logged before).
     * Actions attached with the non-async methods run on the reaper thread: keep them short, or use
     * the *Async variants. Do not complete it yourself.
     */
    public CompletableFuture<ChildExit> onExit() {
        return exit;
    }

    public boolean isAlive() {
        return !exit.isDone();
    }

    /**
     * The write end of the child's stdin ({@link SpawnRequest.Stdio#STDIN_PIPE}), else null. Close
     * it to send end of file; it is closed for you once the child has ended.
     */
    public OutputStream stdin() {
        return stdin;
    }

    /**
     * Stops the child now as a timeout would: SIGTERM to its process group, SIGKILL after the
     * request's grace. Returns at once; see {@link #onExit()}.
     */
    public void terminate() {
        spawner.requestTerminate(this);
    }

    public ChildExit waitFor() throws InterruptedException {
        try {
            return exit.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** @return the exit, or null if it is still running after the wait */
    public ChildExit waitFor(Duration max) throws InterruptedException {
        try {
            return exit.get(max.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** "program[pid]" for logs. */
    String label() {
        return request.program() + "[" + pid + "]";
    }

    @Override
    public String toString() {
        return "ChildHandle[" + label() + (exit.isDone() ? " ended" : " running") + "]";
    }

    /**
     * The stdin pipe. A write blocks while the pipe is full; writes after the reader went away
     * fail with "Broken pipe" (the JVM ignores SIGPIPE).
     */
    final class PipeStream extends OutputStream {
        private final ReentrantLock lock = new ReentrantLock();
        private int fd;
        private volatile boolean closeWhenIdle;

        PipeStream(int fd) {
            this.fd = fd;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            lock.lock();
            try {
                if (fd < 0) {
                    throw new IOException("stdin of " + label() + " is closed");
                }
                while (len > 0) {
                    int n = NativeSpawner.write0(fd, b, off, len);
                    if (n < 0) {
                        throw new IOException("writing to stdin of " + label() + ": " + NativeSpawner.errorText(-n));
                    }
                    off += n;
                    len -= n;
                }
            } finally {
                if (closeWhenIdle) {
                    closeLocked();
                }
                lock.unlock();
            }
        }

        @Override
        public void close() {
            lock.lock();
            try {
                closeLocked();
            } finally {
                lock.unlock();
            }
        }

        /** From the reaper thread: never waits for a writer (it closes when that write returns). */
        void closeAfterExit() {
            closeWhenIdle = true;
            if (lock.tryLock()) {
                try {
                    closeLocked();
                } finally {
                    lock.unlock();
                }
            }
        }

        private void closeLocked() {
            if (fd >= 0) {
                NativeSpawner.close0(fd);
                fd = -1;
            }
        }
    }

    /** Captured stdout+stderr: split into lines, each logged at INFO as "program[pid]: line". */
    static final class Capture {
        static final int MAX_LINE = 16 * 1024;

        final int fd;
        final System.Logger logger;
        final OutputSink sink;
        final int pid;
        final String prefix;
        final boolean stderr;
        private byte[] line = new byte[256];
        private int len;

        Capture(int fd, System.Logger logger, OutputSink sink, int pid, String prefix) {
            this(fd, logger, sink, pid, prefix, false);
        }

        Capture(int fd, System.Logger logger, OutputSink sink, int pid, String prefix, boolean stderr) {
            this.fd = fd;
            this.logger = logger;
            this.sink = sink;
            this.pid = pid;
            this.prefix = prefix;
            this.stderr = stderr;
        }

        void feed(byte[] b, int n) {
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (b[i] == '\n') {
                    append(b, start, i - start);
                    emit();
                    start = i + 1;
                }
            }
            append(b, start, n - start);
        }

        /** At end of file: a last line without a newline. */
        void flush() {
            if (len > 0) {
                emit();
            }
        }

        private void append(byte[] b, int off, int n) {
            while (n > 0) {
                if (len == MAX_LINE) {
                    emit(); // an endless line is logged in pieces
                }
                if (len == line.length) {
                    line = java.util.Arrays.copyOf(line, Math.min(MAX_LINE, line.length * 2));
                }
                int k = Math.min(n, line.length - len);
                System.arraycopy(b, off, line, len, k);
                len += k;
                off += k;
                n -= k;
            }
        }

        private void emit() {
            int n = len;
            if (n > 0 && line[n - 1] == '\r') {
                n--;
            }
            if (sink != null) {
                if (stderr) {
                    sink.errorLine(pid, line, n);
                } else {
                    sink.line(pid, line, n);
                }
            } else if (logger.isLoggable(System.Logger.Level.INFO)) {
                logger.log(System.Logger.Level.INFO, prefix + Text.printable(line, 0, n));
            }
            len = 0;
        }
    }
}
