package org.inflow.cli.direvent;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.inflow.act.ChildHandle;
import org.inflow.act.NativeSpawner;
import org.inflow.act.RunAs;
import org.inflow.act.SpawnRequest;
import org.inflow.daemon.DaemonLog;
import org.inflow.daemon.Detach;
import org.inflow.daemon.PidFile;
import org.inflow.daemon.RuleHost;
import org.inflow.daemon.Signals;
import org.inflow.dialect.direvent.ConfigReader;
import org.inflow.dialect.direvent.DirEventConfig;
import org.inflow.dialect.direvent.Handler;
import org.inflow.dialect.direvent.RuleCompiler;
import org.inflow.kernel.Posix;
import org.inflow.rules.LogSink;
import org.inflow.rules.Rule;

/**
 * `inflow direvent` (bin/direvent): runs a GNU direvent 5.2 configuration. Life cycle as 5.2's:
 * read the configuration, set every watch, detach (unless -f), log "started", write the pid file,
 * drop privileges, start the self-test program (-T), and run until a signal or the end of the
 * self-test. Deliberately unlike 5.2: SIGHUP reloads the configuration (it still stops a
 * self-test run, which the upstream test idiom relies on), -t exits 1 on any error, an empty
 * configuration is an error instead of a crash, and the pid file is removed after a user switch.
 */
public final class DirEventCommand {
    private static final String SOURCE = "direvent.conf";
    /** The spawner's own lines about each child: direvent says it in its words (held: JUL keeps loggers weakly). */
    private static final java.util.logging.Logger SPAWNER_LOG = java.util.logging.Logger.getLogger("org.inflow.act.NativeSpawner");
    private static final String[] PRIORITIES = {"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};

    private final String prog;
    private final PrintStream err = System.err;
    private DirEventOptions opts;
    private Path configPath;
    private DirEventLog log;
    private final AtomicInteger selfTestPid = new AtomicInteger();
    private final CountDownLatch selfTestPidKnown = new CountDownLatch(1);
    private final Map<String, byte[]> waiting = DirEventReporter.sharedWaiting();
    private final List<DirEventReporter> reporters = new ArrayList<>();
    private NativeSpawner spawner;
    private RuleHost host;
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile int exitStatus;
    /** After a switch to another user, a root helper removes the pid file when we exit. */
    private boolean pidFileHandedOff;
    /** The configuration whose rules run now. */
    private volatile DirEventConfig current;
    private final Map<String, String> daemonEnv = environment();

    private DirEventCommand(String prog) {
        this.prog = prog;
    }

    public static int run(String prog, String[] args) {
        return new DirEventCommand(prog).main(args);
    }

    private void crit(String message) {
        err.println(prog + ": [CRIT] " + message);
        err.flush();
    }

    private int main(String[] args) {
        opts = DirEventOptions.parse(prog, args);
        if (opts.error != null) {
            err.println(opts.error);
            return 1;
        }
        if (opts.help) {
            System.out.print(HelpText.help(prog));
            return 0;
        }
        if (opts.usage) {
            System.out.print(HelpText.usage(prog));
            return 0;
        }
        if (opts.version) {
            System.out.print(HelpText.version(prog));
            return 0;
        }
        if (opts.configHelp) {
            System.out.print(HelpText.configHelp());
            return 0;
        }
        if (opts.positional.size() > 1) {
            crit("too many arguments");
            return 1;
        }
        int threshold = LogSink.DEBUG;
        if (opts.priority != null) {
            threshold = priority(opts.priority);
            if (threshold == Integer.MIN_VALUE) {
                crit("unknown syslog priority: " + opts.priority);
                return 1;
            }
        }
        int facility = -1;
        if (opts.facility != null) {
            facility = facility(opts.facility, true);
            if (facility < 0) {
                crit("unknown syslog facility: " + opts.facility);
                return 1;
            }
        }
        if (opts.user != null && !userExists(opts.user)) {
            crit("no such user: " + opts.user);
            return 1;
        }
        configPath = Path.of(opts.positional.isEmpty() ? "/etc/direvent.conf" : opts.positional.get(0));
        DirEventConfig config = new ConfigReader(opts.includeDirs).read(configPath);
        boolean detaching = !(opts.foreground || config.foreground()) && !opts.lint && !Detach.isBackgroundCopy();
        if (!detaching || config.diagnostics().fatal() || config.watchers().isEmpty()) {
            // (a launcher that detaches leaves them to the background copy, whose stderr it shows)
            printDiagnostics(config, 0);
        }
        if (config.diagnostics().fatal()) {
            return 1;
        }
        if (opts.lint) {
            if (config.watchers().isEmpty() && config.diagnostics().errors() == 0) {
                crit("no event handlers configured");
                return 1;
            }
            // 5.2 exits 0 here whatever it reported; an error is an error
            return config.diagnostics().errors() > 0 ? 1 : 0;
        }
        if (config.watchers().isEmpty()) {
            crit("no event handlers configured");
            return 1;
        }
        boolean foreground = opts.foreground || config.foreground();
        if (facility < 0 && config.facility() != null) {
            facility = facility(config.facility(), false);
        }
        if (!foreground && !Detach.isBackgroundCopy()) {
            try {
                return Detach.launch(err);
            } catch (IOException | InterruptedException e) {
                crit("cannot detach: " + e.getMessage());
                return 1;
            }
        }
        DaemonLog daemonLog = new DaemonLog();
        int thr = threshold;
        daemonLog.toStderr(err, thr).stderrFormat((p, m) -> prog + ": [" + DirEventLog.SEVERITY[p] + "] " + m);
        boolean printPriority = config.printPriority();
        daemonLog.syslogFormat((p, m) -> printPriority ? "[" + DirEventLog.SEVERITY[p] + "] " + m : m);
        if (!foreground || facility >= 0) {
            String tag = config.tag() != null ? config.tag() : prog;
            daemonLog.toSyslog(tag, Posix.LOG_PID, facility >= 0 ? facility : DaemonLog.LOG_DAEMON);
        }
        daemonLog.captureJavaLogging();
        SPAWNER_LOG.setLevel(java.util.logging.Level.WARNING);
        log = new DirEventLog(daemonLog, config.debug() + opts.debug);
        try {
            return serve(config);
        } catch (IOException | InterruptedException e) {
            log.log(LogSink.CRIT, e.getMessage());
            Detach.exiting(2);
            return 2;
        }
    }

    private void printDiagnostics(DirEventConfig config, int from) {
        List<String> lines = config.diagnostics().lines();
        for (int i = from; i < lines.size(); i++) {
            err.println(lines.get(i));
        }
        err.flush();
    }

    private List<Rule> compile(DirEventConfig config) {
        RuleCompiler compiler = new RuleCompiler(opts.selfTest != null ? this::selfTestPid : null, daemonEnv);
        int before = config.diagnostics().lines().size();
        List<DirEventReporter> made = new ArrayList<>();
        List<Handler> handlers = compiler.compile(config, h -> {
            DirEventReporter r = new DirEventReporter(h, log, waiting, this::appeared);
            made.add(r);
            return r;
        });
        printDiagnostics(config, before);
        synchronized (reporters) {
            reporters.clear();
            reporters.addAll(made);
        }
        List<Rule> rules = new ArrayList<>();
        for (Handler h : handlers) {
            rules.add(h.rule());
        }
        return rules;
    }

    private int serve(DirEventConfig config) throws IOException, InterruptedException {
        current = config;
        List<Rule> rules = compile(config);
        if (rules.isEmpty()) {
            log.log(LogSink.CRIT, "no event handlers configured");
            Detach.exiting(1);
            return 1;
        }
        spawner = new NativeSpawner();
        host = new RuleHost(0);
        host.install(SOURCE, rules);
        host.start();
        host.awaitSettled(60_000);
        if (allFailed()) {
            log.log(LogSink.CRIT, "no event handlers installed");
            host.close();
            spawner.close();
            Detach.exiting(2);
            return 2;
        }
        // in the background copy, the launcher's terminal is let go first: "started" goes to syslog
        Detach.ready();
        log.log(LogSink.INFO, prog + " (inflow 0.1.0, direvent 5.2 compatible) started");
        PidFile pid = null;
        String pidPath = opts.pidfile != null ? opts.pidfile : config.pidfile();
        if (pidPath != null) {
            try {
                pid = PidFile.claim(Path.of(pidPath), true);
            } catch (IOException e) {
                log.log(LogSink.ERR, "cannot create pidfile " + pidPath + ": " + e.getMessage());
            }
        }
        String user = opts.user != null ? opts.user : config.user();
        if (user != null && !switchUser(user, pid)) {
            shutdown(pid);
            return 2;
        }
        for (String sig : new String[] {"TERM", "INT", "USR1"}) {
            Signals.on(sig, n -> {
                log.log(LogSink.NOTICE, "got signal " + n);
                finish(0);
            });
        }
        Signals.on("HUP", n -> {
            log.log(LogSink.NOTICE, "got signal " + n);
            if (opts.selfTest != null) {
                finish(0);
            } else {
                reload();
            }
        });
        if (opts.selfTest != null) {
            startSelfTest();
        }
        stop.await();
        shutdown(pid);
        return exitStatus;
    }

    private boolean allFailed() {
        synchronized (reporters) {
            for (DirEventReporter r : reporters) {
                if (!r.failed()) {
                    return false;
                }
            }
            return true;
        }
    }

    private void finish(int status) {
        if (stop.getCount() > 0) {
            exitStatus = status;
            stop.countDown();
        }
    }

    private void shutdown(PidFile pid) {
        log.closing();
        host.close();
        spawner.close();
        log.log(LogSink.INFO, prog + " (inflow 0.1.0, direvent 5.2 compatible) stopped");
        if (pid != null && !pidFileHandedOff) {
            pid.remove();
        }
    }

    /** The rules of the configuration in force made again (a path that appeared as a file). */
    private synchronized void remake(DirEventConfig config) {
        if (config == current && stop.getCount() > 0) {
            host.install(SOURCE, compile(config));
        }
    }

    private synchronized void reload() {
        DirEventConfig config = new ConfigReader(opts.includeDirs).read(configPath);
        for (String line : config.diagnostics().lines()) {
            log.log(LogSink.ERR, line);
        }
        if (config.diagnostics().fatal()) {
            log.log(LogSink.ERR, configPath + ": not reloaded; the previous configuration stays in force");
            return;
        }
        List<Rule> rules = compile(config);
        if (rules.isEmpty()) {
            log.log(LogSink.ERR, configPath + ": no event handlers configured; the previous configuration stays in force");
            return;
        }
        log.debugLevel(config.debug() + opts.debug);
        current = config;
        host.install(SOURCE, rules);
        log.log(LogSink.INFO, configPath + ": configuration reloaded");
    }

    /**
     * $self_test_pid: a handler's command is expanded on the pipeline's threads, possibly for an
     * event the self-test program made before spawn() has even returned its pid here; 5.2 starts
     * reading events only after it knows it. So the expansion waits for it (microseconds).
     */
    private int selfTestPid() {
        try {
            selfTestPidKnown.await(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return selfTestPid.get();
    }

    private void startSelfTest() throws IOException {
        ChildHandle child;
        try {
            child = spawner.spawn(SpawnRequest.command("/bin/sh", "-c", opts.selfTest)
                    .stdio(SpawnRequest.Stdio.INHERIT).build());
            selfTestPid.set(child.pid());
        } finally {
            selfTestPidKnown.countDown();
        }
        child.onExit().thenAccept(exit -> {
            int status;
            if (exit.signal() == Signals.number("HUP")) {
                log.debug("process " + exit.pid() + " terminated on signal " + exit.signal());
                status = 0;
            } else if (exit.signal() != 0) {
                log.log(LogSink.ERR, "process " + exit.pid() + " terminated on signal " + exit.signal());
                status = 2;
            } else {
                DirEventLog.exit(log, exit.pid(), exit.exitCode(), 0, false);
                status = exit.exitCode();
            }
            finish(status);
        });
    }

    /** direvent's synthesized create when a missing path appears: run in its parent directory. */
    private void appeared(Handler h) {
        if (!h.madeForFile() && RuleCompiler.isFile(h.pathText()) && current != null) {
            // it appeared as a file: its events come without a name and must run in its directory
            DirEventConfig config = current;
            Thread t = new Thread(() -> remake(config), "direvent-remake");
            t.setDaemon(true);
            t.start();
        }
        if (!h.wantsAppearance() || spawner == null) {
            return;
        }
        List<byte[]> env = new ArrayList<>();
        byte[][] cwd = new byte[1][];
        List<byte[]> argv = h.appearance(daemonEnv, env, cwd);
        // The rule's next run, through its runner, with the rule's stdio, user and timeout: under
        // "wait" it comes before the events that follow the appearance, and nobody waits for it
        // here, on the pipeline's thread.
        if (!host.run(h.rule(), argv.toArray(new byte[0][]), env.toArray(new byte[0][]), cwd[0])) {
            log.log(LogSink.ERR, "cannot run " + h.commandText() + ": too many runs of its watcher waiting");
        }
    }

    /**
     * Drops root for the given user after start-up. The pid file can no longer be removed by us
     * then (5.2 leaves it behind), so a small root process stays to remove it when we exit.
     */
    private boolean switchUser(String user, PidFile pid) {
        if (uid() != 0) {
            return true;
        }
        RunAs who;
        try {
            who = RunAs.lookup(user);
        } catch (IOException e) {
            log.log(LogSink.CRIT, "getpwnam(" + user + "): " + e.getMessage());
            return false;
        }
        if (who.uid() == 0) {
            return true;
        }
        if (pid != null) {
            try {
                ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c",
                        "read x; [ \"$(cat -- \"$1\" 2>/dev/null)\" = \"$2\" ] && rm -f -- \"$1\"", "sh",
                        pid.path().toString(), Long.toString(ProcessHandle.current().pid()))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
                pb.start(); // its stdin is our pipe: it ends when we do
                pidFileHandedOff = true;
            } catch (IOException e) {
                log.log(LogSink.WARNING, "the pid file will be left behind: " + e.getMessage());
            }
        }
        try {
            Posix.switchUser(who.uid(), who.gid(), who.groups());
        } catch (IOException e) {
            log.log(LogSink.CRIT, "cannot switch to user " + user + ": " + e.getMessage());
            return false;
        }
        return true;
    }

    /**
     * The environment handlers inherit, in the order the process got it (System.getenv() has
     * none), less the launcher's own marker; values one char per byte, as the dialect keeps text.
     */
    private static Map<String, String> environment() {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc/self/environ"));
            int start = 0;
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == 0) {
                    String kv = new String(raw, start, i - start, StandardCharsets.ISO_8859_1);
                    int eq = kv.indexOf('=');
                    if (eq > 0) {
                        env.putIfAbsent(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                    start = i + 1;
                }
            }
        } catch (IOException e) {
            System.getenv().forEach((k, v) -> env.put(k, new String(v.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)));
        }
        env.remove(Detach.ENV);
        return env;
    }

    private static int uid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static boolean userExists(String user) {
        try {
            RunAs.lookup(user);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** -l: a name, a number, or "none" (nothing on stderr). Integer.MIN_VALUE if unknown. */
    static int priority(String s) {
        if (s.equals("none")) {
            return -1;
        }
        for (int i = 0; i < PRIORITIES.length; i++) {
            if (PRIORITIES[i].equalsIgnoreCase(s)) {
                return i;
            }
        }
        try {
            int n = Integer.parseInt(s);
            if (n >= 0 && n <= 7) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // not a number either
        }
        return Integer.MIN_VALUE;
    }

    /** A facility name (or, on the command line, a number), shifted as syslog(3) wants; -1 if unknown. */
    static int facility(String s, boolean numbers) {
        switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "user": return DaemonLog.LOG_USER;
            case "daemon": return DaemonLog.LOG_DAEMON;
            case "auth": return DaemonLog.LOG_AUTH;
            case "authpriv": return DaemonLog.LOG_AUTHPRIV;
            case "mail": return DaemonLog.LOG_MAIL;
            case "cron": return DaemonLog.LOG_CRON;
            default:
                break;
        }
        String l = s.toLowerCase(java.util.Locale.ROOT);
        if (l.matches("local[0-7]")) {
            return DaemonLog.LOG_LOCAL0 + ((l.charAt(5) - '0') << 3);
        }
        if (numbers) {
            try {
                int n = Integer.parseInt(s);
                if (n >= 0 && n < 24) {
                    return n << 3;
                }
            } catch (NumberFormatException ignored) {
                // unknown
            }
        }
        return -1;
    }
}
