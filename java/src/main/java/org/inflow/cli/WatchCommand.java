package org.inflow.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import org.inflow.kernel.Abi;
import org.inflow.kernel.InotifyMask;
import org.inflow.pipeline.EventPipeline;

/** `inflow watch`: inotifywait's command line, messages and exit codes, on inflow's engine. */
@Command(name = "watch", sortOptions = false,
        description = {"Wait for (or with -m, print) file events, as inotifywait does.",
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
        if (mask == 0) {
            mask = InotifyMask.IN_ALL_EVENTS;
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
        EventPrinter printer = new EventPrinter(fmt, new EventView(fileRoots), out, err, monitor, quietLevel,
                format == null || !noNewline, paths.size(), exit);
        int opts = (excludei != null ? Abi.ROOT_EXCLUDE_ICASE : 0) | (includei != null ? Abi.ROOT_INCLUDE_ICASE : 0)
                | (waitMissing ? Abi.ROOT_WAIT_MISSING : 0);
        String ex = excludei != null ? excludei : exclude;
        String in = includei != null ? includei : include;
        int depth = recursive ? maxDepth : 0;
        try (EventPipeline pipeline = EventPipeline.builder().then(printer).build()) {
            pipeline.start();
            for (byte[] path : paths) {
                try {
                    pipeline.engine().addRoot(path, mask, depth, ex, in, opts);
                } catch (IllegalArgumentException bad) {
                    err.println(bad.getMessage().contains("'" + ex + "'") && ex != null
                            ? "Error in `exclude' regular expression." : "Error in `include' regular expression.");
                    return 1;
                }
            }
            int code = exit.await(timeout);
            out.flush();
            return code;
        } finally {
            try {
                out.flush();
            } catch (IOException ignored) {
                // stdout closed under us: nothing left to tell
            }
        }
    }
}
