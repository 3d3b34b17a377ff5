package org.inflow.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import org.inflow.act.ActionRunner;
import org.inflow.act.Coalescer;
import org.inflow.act.NativeSpawner;
import org.inflow.kernel.Abi;
import org.inflow.rules.InotifyMask;
import org.inflow.pipeline.EventPipeline;
import org.inflow.rules.ActionSpec;
import org.inflow.rules.CwdPolicy;
import org.inflow.rules.Grouping;
import org.inflow.rules.LiveRules;
import org.inflow.rules.Rule;
import org.inflow.rules.RuleIndex;
import org.inflow.rules.StdioPolicy;

/** `inflow watch`: inotifywait's command line, messages and exit codes, on inflow's engine. */
@Command(name = "watch", sortOptions = false,
        customSynopsis = {"inflow watch [OPTIONS] FILE...", "inflow watch [OPTIONS] FILE... -- COMMAND [ARGS...]"},
        description = {"Wait for (or with -m, print) file events, as inotifywait does.",
            "With -- COMMAND: run COMMAND when changes settle (entr/watchexec style); in its ARGS, {path}, {dir},"
                + " {name} and {event} are filled per run, each as one argument, never through a shell.",
            "Exit status: 0 an event you asked for was received; 1 an event you did not ask for "
                + "(usually delete_self or unmount) or an error; 2 -t expired with no event."})
final class WatchCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Files or directories to watch.")
    List<String> files = new ArrayList<>();

    @Option(names = {"-m", "--monitor"}, description = "Keep listening for events forever or until --timeout expires.")
    boolean monitor;

    @Option(names = {"-r", "--recursive"}, description = "Watch directories recursively.")
    boolean recursive;

    @Option(names = "--max-depth", paramLabel = "N", description = "With -r, descend at most N levels below each FILE.")
    int maxDepth = -1;

    @Option(names = {"-P", "--no-dereference"}, description = "Do not follow a FILE that is a symlink (nothing below is ever followed).")
    boolean noDereference;

    @Option(names = "--fromfile", paramLabel = "FILE", description = "Read files to watch from FILE (one per line, as bytes), or - for stdin.")
    String fromFile;

    @Option(names = {"-o", "--outfile"}, paramLabel = "FILE", description = "Print events to FILE (appended) rather than stdout.")
    String outFile;

    @Option(names = {"-q", "--quiet"}, description = "Print less: once, only events; twice (-qq), nothing.")
    boolean[] quiet = new boolean[0];

    @Option(names = "--format", paramLabel = "FMT", description = "printf-like format: %%w %%f %%e %%Xe %%T %%c %%0.")
    String format;

    @Option(names = "--no-newline", description = "Do not print a newline after each --format line.")
    boolean noNewline;

    @Option(names = "--timefmt", paramLabel = "FMT", description = "strftime format for %%T.")
    String timefmt;

    @Option(names = {"-c", "--csv"}, description = "Print events in CSV format.")
    boolean csv;

    @Option(names = "--json", description = "Print one JSON object per event (see README for names that are not UTF-8).")
    boolean json;

    @Option(names = {"-t", "--timeout"}, paramLabel = "SECONDS", description = "Exit with status 2 after SECONDS without an event (0: never).")
    long timeout;

    @Option(names = {"-e", "--event"}, paramLabel = "EVENT", split = ",", description = "Listen for these events only (repeatable, comma lists).")
    List<String> events = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "REGEX", description = "Ignore events on paths matching this POSIX extended regex.")
    String exclude;

    @Option(names = "--excludei", paramLabel = "REGEX", description = "Like --exclude, case-insensitive.")
    String excludei;

    @Option(names = "--include", paramLabel = "REGEX", description = "Report only events on paths matching this POSIX extended regex.")
    String include;

    @Option(names = "--includei", paramLabel = "REGEX", description = "Like --include, case-insensitive.")
    String includei;

    @Option(names = "--wait-missing", description = "Watch for a FILE that does not exist yet (or is deleted) to appear, instead of failing.")
    boolean waitMissing;

    /** What follows "--" (split off in Main before parsing). */
    List<String> command = List.of();

    @Option(names = "--settle", paramLabel = "TIME", converter = DurationOption.class,
            description = "With a COMMAND: run once the changes of a path (or with --batch, of the tree) have been quiet this long (default 50ms; 0 = at once).")
    Duration settle = Duration.ofMillis(50);

    @Option(names = "--max-delay", paramLabel = "TIME", converter = DurationOption.class,
            description = "With a COMMAND: run after at most this long even if changes go on (default 2s).")
    Duration maxDelay = Duration.ofSeconds(2);

    @Option(names = "--batch", description = "With a COMMAND: run once per settled burst with the changed paths on its stdin, one per line (-0: NUL-terminated).")
    boolean batch;

    @Option(names = {"-0", "--null"}, description = "With --batch: end each path with NUL instead of a newline.")
    boolean nul;

    @Option(names = "--on-busy", paramLabel = "POLICY", description = "With a COMMAND, when changes arrive while it runs: queue (default), restart or ignore.")
    String onBusy = "queue";

    @Option(names = {"-j", "--jobs"}, paramLabel = "N", description = "With a COMMAND: at most N runs at once (default 1).")
    int jobs = 1;

    @Option(names = "--run-timeout", paramLabel = "TIME", converter = DurationOption.class,
            description = "With a COMMAND: stop a run (its whole process group: SIGTERM, then SIGKILL) after this long.")
    Duration runTimeout = Duration.ZERO;

    @Option(names = "--no-loop", description = "With a COMMAND: ignore the changes a run makes itself while it runs.")
    boolean noLoop;

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        int mask = 0;
        for (String name : events) {
            int bits = InotifyMask.parse(name.trim());
            if (bits < 0) {
                err.println("'" + name + "' is not a valid event!  Run with the '--help' option to see a list of events.");
                return 1;
            }
            mask |= bits;
        }
        boolean runner = !command.isEmpty();
        if (mask == 0) {
            // A runner reacts to changes, not to reads (its own command would trigger it).
            mask = runner ? RUNNER_EVENTS : InotifyMask.IN_ALL_EVENTS;
        }
        ActionRunner.OnBusy busy;
        try {
            busy = ActionRunner.OnBusy.valueOf(onBusy.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            err.println("'" + onBusy + "' is not an --on-busy policy: use queue, restart or ignore");
            return 1;
        }
        List<byte[]> paths = new ArrayList<>();
        for (String f : files) {
            paths.add(f.getBytes(StandardCharsets.UTF_8));
        }
        if (fromFile != null) {
            paths.addAll(FromFile.read(fromFile));
        }
        if (paths.isEmpty()) {
            err.println("No files specified to watch!");
            return 1;
        }
        int quietLevel = quiet.length;
        if (quietLevel == 0) {
            err.println(recursive ? "Setting up watches.  Beware: since -r was given, this may take a while!" : "Setting up watches.");
        }
        // Whether each path exists, and is a file or a directory, the engine finds out (paths are
        // bytes, which java.nio cannot always name): see EventPrinter's ROOT_MISSING and READY.
        boolean[] fileRoots = new boolean[paths.size()];
        EventFormat fmt = json ? new JsonFormat()
                : csv ? TextFormat.csv()
                : format != null ? TextFormat.compile(format, new Strftime(timefmt == null ? "" : timefmt))
                : TextFormat.defaultFormat();
        OutputStream out = outFile != null
                ? new BufferedOutputStream(new FileOutputStream(outFile, true), 1 << 16)
                : new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        ExitSignal exit = new ExitSignal();
        EventPrinter printer = new EventPrinter(fmt, new EventView(fileRoots), out, err, monitor || runner, quietLevel,
                format == null || !noNewline, paths.size(), exit);
        printer.printEvents(!runner);
        int opts = (excludei != null ? Abi.ROOT_EXCLUDE_ICASE : 0) | (includei != null ? Abi.ROOT_INCLUDE_ICASE : 0)
                | (waitMissing ? Abi.ROOT_WAIT_MISSING : 0) | (noDereference ? Abi.ROOT_NOFOLLOW : 0);
        String ex = excludei != null ? excludei : exclude;
        String in = includei != null ? includei : include;
        int depth = recursive ? maxDepth : 0;
        LiveRules live = new LiveRules(RuleIndex.EMPTY);
        NativeSpawner spawner = runner ? new NativeSpawner() : null;
        if (runner) {
            // SIGTERM/SIGINT end the JVM through its shutdown hooks, not through `finally`.
            Runtime.getRuntime().addShutdownHook(new Thread(spawner::close, "inflow-stop-children"));
        }
        ActionRunner actions = runner ? new ActionRunner(spawner, jobs, busy, nul ? (byte) 0 : (byte) '\n', null) : null;
        EventPipeline.Builder stages = EventPipeline.builder().then(printer);
        if (runner) {
            stages.tickMillis(10).then(new Coalescer(live, actions));
        }
        try (EventPipeline pipeline = stages.build()) {
            if (runner) {
                actions.onRoom(pipeline::wake); // a job refused at a cap is offered again when a run ends
            }
            // Roots (and their rules) go in before the engine starts, so no event of a root can
            // arrive before the rule that wants it.
            for (byte[] path : paths) {
                try {
                    int id = pipeline.engine().addRoot(path, mask, depth, ex, in, opts);
                    if (runner) {
                        Rule rule = runRule(path, mask, depth);
                        live.update(index -> index.with(id, rule));
                    }
                } catch (IllegalArgumentException bad) {
                    err.println(bad.getMessage().contains("'" + ex + "'") && ex != null
                            ? "Error in `exclude' regular expression." : "Error in `include' regular expression.");
                    return 1;
                }
            }
            pipeline.start();
            int code = exit.await(runner ? 0 : timeout);
            out.flush();
            return code;
        } finally {
            if (runner) {
                actions.close();
                spawner.close(); // children are ours to end
            }
            try {
                out.flush();
            } catch (IOException ignored) {
                // stdout closed under us: nothing left to tell
            }
        }
    }

    /** Without -e, a COMMAND runs on changes: content written, entries created, deleted, moved. */
    static final int RUNNER_EVENTS = InotifyMask.IN_CLOSE_WRITE | InotifyMask.IN_CREATE | InotifyMask.IN_DELETE
            | InotifyMask.IN_MOVED_FROM | InotifyMask.IN_MOVED_TO | InotifyMask.IN_ATTRIB;

    private Rule runRule(byte[] root, int mask, int depth) {
        return Rule.builder(root)
                .origin("inflow watch")
                .maxDepth(depth)
                .mask(mask)
                .action(ActionSpec.argv(CommandTemplate.parse(command)))
                .grouping(batch ? Grouping.PER_ROOT : Grouping.PER_PATH)
                .stdio(StdioPolicy.INHERIT)
                .cwd(CwdPolicy.daemon())
                .settle(settle)
                .maxDelay(maxDelay.compareTo(settle) < 0 ? settle : maxDelay)
                .noLoop(noLoop)
                .timeout(runTimeout)
                .build();
    }
}
