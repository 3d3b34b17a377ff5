package org.inflow.cli.pyconf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.inflow.daemon.DaemonLog;
import org.inflow.daemon.Detach;
import org.inflow.daemon.RuleHost;
import org.inflow.daemon.Signals;
import org.inflow.dialect.pyconf.PyConfigError;
import org.inflow.kernel.Posix;
import org.inflow.rules.LogSink;
import org.inflow.rules.Rule;
import org.inflow.rules.RuleReporter;

/**
 * The life of an inosync or inorun daemon: options, detaching, syslog (facility daemon, the
 * tool's ident; also stderr while in the foreground), the configuration file, the rule host,
 * SIGHUP to re-read the file (a bad file keeps the running rules), SIGTERM/SIGINT to stop.
 */
abstract class PyDaemon {
    static final String SOURCE = "config";
    static final String VERSION = "inflow 0.1.0";

    protected final String prog;
    private final String defaultConfig;
    private final String originalVersion;
    private final String pretendHelp;
    private final DaemonLog daemonLog = new DaemonLog();
    /** As inosync did: debug messages only with -v, in syslog too. */
    protected final LogSink log = this::logFiltered;
    protected PyDaemonOptions options;
    protected RuleHost host;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Object reloading = new Object();

    /**
     * @param originalVersion the version of the tool this stands in for, for --version
     * @param pretendHelp what -p does, for --help
     */
    PyDaemon(String prog, String defaultConfig, String originalVersion, String pretendHelp) {
        this.prog = prog;
        this.defaultConfig = defaultConfig;
        this.originalVersion = originalVersion;
        this.pretendHelp = pretendHelp;
    }

    /** Reads and checks the configuration; the rules it makes are installed by {@link #install}. */
    abstract void load(String file) throws IOException, PyConfigError;

    /** Installs what {@link #load} read (replacing what ran), and starts what must run at once. */
    abstract void install(boolean first) throws IOException;

    abstract List<String> warnings();

    private void logFiltered(int priority, String message) {
        if (priority < LogSink.DEBUG || options != null && options.verbose) {
            daemonLog.log(priority, message);
        }
    }

    final int run(String[] args) {
        try {
            options = PyDaemonOptions.parse(prog, defaultConfig, args);
        } catch (PyDaemonOptions.UsageError e) {
            System.err.print("Usage: " + prog + " [options]\n");
            System.err.println();
            System.err.println(prog + ": error: " + e.getMessage());
            return 2;
        }
        if (options.help) {
            System.out.print(options.help(defaultConfig, pretendHelp));
            return 0;
        }
        if (options.version) {
            System.out.println(prog + " " + originalVersion + " (" + VERSION + ")");
            return 0;
        }
        if (options.daemonize && !Detach.isBackgroundCopy()) {
            try {
                return Detach.launch(System.err);
            } catch (IOException e) {
                System.err.println(prog + ": cannot daemonize: " + e.getMessage());
                return 1;
            } catch (InterruptedException e) {
                return 1;
            }
        }
        daemonLog.toSyslog(prog, Posix.LOG_PID, DaemonLog.LOG_DAEMON);
        daemonLog.toStderr(System.err, options.verbose ? LogSink.DEBUG : LogSink.INFO);
        daemonLog.stderrFormat((p, m) -> prog + ": " + m);
        daemonLog.captureJavaLogging();
        int status = serve();
        Detach.exiting(status);
        return status;
    }

    private int serve() {
        try {
            load(options.config);
        } catch (PyConfigError e) {
            log.log(LogSink.ERR, e.getMessage());
            return 1;
        } catch (IOException e) {
            log.log(LogSink.ERR, "cannot read " + options.config + ": " + e.getMessage());
            return 1;
        }
        for (String w : warnings()) {
            log.log(LogSink.WARNING, w);
        }
        try {
            host = new RuleHost(0);
        } catch (IOException e) {
            log.log(LogSink.ERR, "cannot start: " + e.getMessage());
            return 1;
        }
        try {
            Signals.on("TERM", n -> stop.countDown());
            Signals.on("INT", n -> stop.countDown());
            Signals.on("HUP", n -> reloadLater());
            install(true);
            Detach.ready();
            stop.await();
            log.log(LogSink.INFO, "stopping");
            return 0;
        } catch (IOException e) {
            log.log(LogSink.ERR, e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            return 0;
        } finally {
            host.close();
        }
    }

    /** Waits until the host's roots are watched (their initial crawl is done), logging while it takes long. */
    protected void awaitWatches() throws IOException {
        try {
            long waited = 0;
            while (!host.awaitSettled(TimeUnit.SECONDS.toMillis(30))) {
                waited += 30;
                log.log(LogSink.INFO, "still setting up watches after " + waited + " s");
            }
        } catch (InterruptedException e) {
            throw new IOException("interrupted while setting up watches");
        }
    }

    private void reloadLater() {
        Thread t = new Thread(() -> {
            synchronized (reloading) {
                log.log(LogSink.INFO, "SIGHUP: re-reading " + options.config);
                try {
                    load(options.config);
                } catch (PyConfigError e) {
                    log.log(LogSink.ERR, e.getMessage() + " (the running configuration stays)");
                    return;
                } catch (IOException e) {
                    log.log(LogSink.ERR, "cannot read " + options.config + ": " + e.getMessage()
                            + " (the running configuration stays)");
                    return;
                }
                for (String w : warnings()) {
                    log.log(LogSink.WARNING, w);
                }
                try {
                    install(false);
                } catch (IOException e) {
                    log.log(LogSink.ERR, e.getMessage());
                }
            }
        }, prog + "-reload");
        t.setDaemon(true);
        t.start();
    }

    /** Logs what happens to the watched tree in the tool's words. */
    protected RuleReporter rootReporter() {
        return new RuleReporter() {
            @Override
            public void root(Rule rule, RootState state, byte[] path, String detail) {
                String p = text(path);
                switch (state) {
                    case READY:
                        log.log(LogSink.DEBUG, "watching " + p);
                        break;
                    case MISSING:
                        log.log(LogSink.ERR, "cannot watch " + p + (detail != null ? ": " + detail : ""));
                        break;
                    case GONE:
                        log.log(LogSink.ERR, p + " is gone; nothing below it is watched until it is back");
                        break;
                    case WARNING:
                        log.log(LogSink.WARNING, p + ": " + detail);
                        break;
                    case OVERFLOW:
                        log.log(LogSink.WARNING, "events were lost under " + p + "; everything is looked at again");
                        break;
                    default:
                        log.log(LogSink.DEBUG, p + ": " + state.name().toLowerCase());
                        break;
                }
            }

            @Override
            public void failed(Rule rule, String why) {
                log.log(LogSink.ERR, rule + ": " + why);
            }

            @Override
            public void started(Rule rule, int pid, List<byte[]> argv) {
                log.log(LogSink.DEBUG, "executing " + shellWords(argv) + " [" + pid + "]");
            }

            @Override
            public void exited(Rule rule, int pid, int exitCode, int signal, boolean timedOut, long nanos) {
                if (exitCode != 0) {
                    log.log(LogSink.WARNING, "[" + pid + "] " + (signal != 0 ? "killed by signal " + signal
                            : "exited with status " + exitCode));
                }
            }

            @Override
            public void output(Rule rule, int pid, boolean stderr, byte[] line, int length) {
                log.log(LogSink.INFO, "[" + pid + "] " + new String(line, 0, length, StandardCharsets.UTF_8));
            }
        };
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** argv as a shell would need it typed: each word quoted when it must be. */
    static String shellWords(List<byte[]> argv) {
        StringBuilder sb = new StringBuilder();
        for (byte[] a : argv) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            String s = text(a);
            if (!s.isEmpty() && s.matches("[A-Za-z0-9_@%+=:,./-]+")) {
                sb.append(s);
            } else {
                sb.append('\'').append(s.replace("'", "'\\''")).append('\'');
            }
        }
        return sb.toString();
    }
}
