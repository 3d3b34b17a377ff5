package org.inflow.cli.incron;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;

import org.inflow.daemon.DaemonLog;
import org.inflow.daemon.Detach;
import org.inflow.daemon.PidFile;
import org.inflow.daemon.RuleHost;
import org.inflow.daemon.Signals;
import org.inflow.dialect.incron.IncronConfig;
import org.inflow.kernel.Posix;
import org.inflow.rules.LogSink;

/**
 * `inflow incrond` (also bin/incrond): incron's daemon with its options, configuration, pid
 * file, syslog messages and exit codes, running every table on one RuleHost. SIGHUP reloads
 * every table (incron died of it); SIGTERM / SIGINT stop.
 */
public final class IncrondCommand {
    public static final String VERSION = "0.5.12";

    private static final Map<String, String> LONG = Map.of("foreground", "n", "kill", "k", "config", "f",
            "help", "h", "about", "?", "version", "V");

    private final PrintStream err;
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile int exitStatus;

    private IncrondCommand(PrintStream err) {
        this.err = err;
    }

    public static int run(String[] args) {
        return new IncrondCommand(System.err).main(args);
    }

    private int main(String[] args) {
        IncronArgs a = IncronArgs.parse(args, LONG);
        if (a.has("h")) {
            err.println("usage: incrond [<options>]\n\n<operation> may be one of the following:\n"
                    + "These options may be used:\n"
                    + "  -?, --about                  gives short information about program\n"
                    + "  -h, --help                   prints this help text\n"
                    + "  -n, --foreground             runs on foreground (no daemonizing)\n"
                    + "  -k, --kill                   terminates running instance of incrond\n"
                    + "  -f <FILE>, --config=<FILE>   overrides default configuration file  (requires root privileges)\n"
                    + "  -V, --version                prints program version\n\n"
                    + "For reporting bugs please use https://github.com/ar-/incron/issues (this is inflow's replacement)");
            return 0;
        }
        if (a.has("?")) {
            err.println("incrond (incron) " + VERSION + " - inotify cron daemon, as implemented by inflow");
            return 0;
        }
        if (a.has("V")) {
            err.println("incrond (incron) " + VERSION + " (inflow)");
            return 0;
        }
        boolean foreground = a.has("n");
        IncronConfig config;
        try {
            config = loadConfig(a.has("f") ? a.value("f") : null);
        } catch (IOException e) {
            err.println("incrond: " + e.getMessage());
            return 1;
        }
        if (a.has("k")) {
            return kill(config);
        }
        if (!foreground && !Detach.isBackgroundCopy()) {
            try {
                return Detach.launch(err);
            } catch (IOException | InterruptedException e) {
                err.println("incrond: cannot go into the background: " + e.getMessage());
                return 1;
            }
        }
        int status = serve(config, foreground);
        if (Detach.isBackgroundCopy()) {
            Detach.exiting(status);
        }
        return status;
    }

    /** -f FILE must be readable (incron silently used /etc/incron.conf instead); no -f: defaults if absent. */
    static IncronConfig loadConfig(String file) throws IOException {
        if (file != null) {
            try {
                return IncronConfig.parse(Files.readAllBytes(Path.of(file)));
            } catch (IOException e) {
                throw new IOException("cannot read configuration file " + file + ": " + reason(e));
            }
        }
        try {
            return IncronConfig.parse(Files.readAllBytes(Path.of(IncronConfig.DEFAULT_FILE)));
        } catch (NoSuchFileException none) {
            return IncronConfig.defaults();
        } catch (IOException e) {
            return IncronConfig.defaults();
        }
    }

    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "(2) No such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "(13) Permission denied";
        }
        return e.getMessage();
    }

    private int kill(IncronConfig config) {
        err.println("attempting to terminate a running instance of incrond...");
        OptionalLong pid = PidFile.read(config.pidFile());
        if (pid.isPresent() && PidFile.alive(pid.getAsLong())) {
            ProcessHandle.of(pid.getAsLong()).ifPresent(ProcessHandle::destroy);
            err.println("the instance notified, going down");
            return 0;
        }
        err.println("error - incrond probably not running");
        return 1;
    }

    private int serve(IncronConfig config, boolean foreground) {
        DaemonLog log = new DaemonLog().toSyslog("incrond", Posix.LOG_PID | Posix.LOG_CONS, DaemonLog.LOG_CRON);
        if (foreground) {
            log.toStderr(err, LogSink.DEBUG);
        }
        log.captureJavaLogging();
        log.log(LogSink.NOTICE, "starting service (version " + VERSION + ", inflow)");
        for (String[] d : new String[][] {{"system", config.get("system_table_dir")}, {"user", config.get("user_table_dir")}}) {
            Path dir = Path.of(d[1]);
            if (!Files.isDirectory(dir) || !Files.isReadable(dir)) {
                String why = Files.exists(dir) ? (Files.isDirectory(dir) ? "(13) Permission denied" : "(20) Not a directory")
                        : "(2) No such file or directory";
                log.log(LogSink.CRIT, "cannot read directory for " + d[0] + " tables (" + d[1] + "): " + why);
                return 1;
            }
        }
        PidFile pid;
        try {
            pid = PidFile.claim(config.pidFile(), false);
        } catch (PidFile.HeldException held) {
            log.log(LogSink.CRIT, "another instance of incrond already running");
            return 1;
        } catch (IOException e) {
            log.log(LogSink.CRIT, "cannot create lock file " + config.pidFile() + ": " + e.getMessage());
            return 1;
        }
        // Detached, incron runs in / : relative table paths and commands' directory follow it.
        Path base = foreground ? Path.of("").toAbsolutePath() : Path.of("/");
        byte[] commandDir = foreground ? null : new byte[] {'/'};
        try (RuleHost host = new RuleHost(0)) {
            IncronTableSet tables = new IncronTableSet(host, log, config.systemTableDir(), config.userTableDir(),
                    new IncronAccess(config.allowedUsers(), config.deniedUsers()), base, commandDir);
            Signals.on("TERM", n -> stop.countDown());
            Signals.on("INT", n -> stop.countDown());
            Signals.on("HUP", n -> new Thread(tables::reloadAll, "incron-hup").start());
            // The table directories' watch goes in first, so no edit between the first load and
            // the watch is missed; every table is installed before the engine starts, so no
            // root's first report comes before its rule.
            IncronTableWatch.install(host, config.systemTableDir(), config.userTableDir(), new IncronTableWatch.Listener() {
                @Override
                public void changed(IncronTableSet.Kind kind, String name) {
                    if (name == null) {
                        tables.reloadAll();
                    } else {
                        tables.changed(kind, name);
                    }
                }

                @Override
                public void directoryGone(IncronTableSet.Kind kind) {
                    log.log(LogSink.CRIT, "base directory destroyed, exitting");
                    stop.countDown();
                }
            });
            tables.loadAll();
            host.start();
            host.awaitSettled(60_000);
            log.log(LogSink.NOTICE, "ready to process filesystem events");
            if (Detach.isBackgroundCopy()) {
                Detach.ready();
            }
            stop.await();
            log.log(LogSink.NOTICE, "stopping service");
        } catch (IOException e) {
            log.log(LogSink.CRIT, "*** unhandled exception occurred ***: " + e.getMessage());
            exitStatus = 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pid.remove();
        }
        return exitStatus;
    }
}
