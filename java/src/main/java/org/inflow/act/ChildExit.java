package org.inflow.act;

import java.time.Duration;

/**
 * How a child ended.
 *
 * @param pid           the child's pid (also its process group id)
 * @param exitCode      0..255 when it exited, -1 when a signal ended it (or the status was lost)
 * @param signal        the signal that ended it, 0 when it exited
 * @param coreDumped    it dumped core
 * @param timedOut      it was still running at its timeout and was signalled for that
 * @param durationNanos from just before the spawn to the reap
 */
public record ChildExit(int pid, int exitCode, int signal, boolean coreDumped, boolean timedOut, long durationNanos) {
    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;

    /** Exit status 0 within its time. */
    public boolean success() {
        return exitCode == 0 && signal == 0 && !timedOut;
    }

    public Duration duration() {
        return Duration.ofNanos(durationNanos);
    }

    /** The shell's convention: the exit code, or 128 + the signal. */
    public int shellStatus() {
        return signal != 0 ? 128 + signal : exitCode;
    }

    /** "exit 3", "signal 15 (SIGTERM), timed out", "status lost". */
    public String describe() {
        String s;
        if (signal != 0) {
            s = "signal " + signal + " (" + signalName(signal) + ")" + (coreDumped ? ", core dumped" : "");
        } else if (exitCode >= 0) {
            s = "exit " + exitCode;
        } else {
            s = "status lost (reaped elsewhere)";
        }
        return timedOut ? s + ", timed out" : s;
    }

    static String signalName(int sig) {
        switch (sig) {
            case 1: return "SIGHUP";
            case 2: return "SIGINT";
            case 3: return "SIGQUIT";
            case 4: return "SIGILL";
            case 6: return "SIGABRT";
            case 7: return "SIGBUS";
            case 8: return "SIGFPE";
            case 9: return "SIGKILL";
            case 10: return "SIGUSR1";
            case 11: return "SIGSEGV";
            case 12: return "SIGUSR2";
            case 13: return "SIGPIPE";
            case 14: return "SIGALRM";
            case 15: return "SIGTERM";
            case 24: return "SIGXCPU";
            case 25: return "SIGXFSZ";
            default: return "SIG" + sig;
        }
    }
}
