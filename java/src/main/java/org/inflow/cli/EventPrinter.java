package org.inflow.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;

import com.lmax.disruptor.EventHandler;

import org.inflow.kernel.Abi;
import org.inflow.pipeline.FsEvent;

/**
 * The `inflow watch` stage: prints events as inotifywait does, reports set-up progress and
 * problems on stderr, and decides when a non-monitor run is over. Output is flushed at the end
 * of each ring batch, so a burst costs one write.
 */
final class EventPrinter implements EventHandler<FsEvent> {
    private final EventFormat format;
    private final EventView view;
    private final OutputStream out;
    private final PrintStream err;
    private final boolean monitor;
    private final int quiet;
    private final boolean newline;
    private final int roots;
    private final ExitSignal exit;
    private final LineBuffer line = new LineBuffer();
    private int ready;
    private boolean printEvents = true;

    /** A runner (watch … -- CMD) reports set-up and problems but does not print events. */
    void printEvents(boolean on) {
        printEvents = on;
    }

    EventPrinter(EventFormat format, EventView view, OutputStream out, PrintStream err, boolean monitor,
                 int quiet, boolean newline, int roots, ExitSignal exit) {
        this.format = format;
        this.view = view;
        this.out = out;
        this.err = err;
        this.monitor = monitor;
        this.quiet = quiet;
        this.newline = newline;
        this.roots = roots;
        this.exit = exit;
    }

    @Override
    public void onEvent(FsEvent e, long sequence, boolean endOfBatch) throws IOException {
        switch (e.kind) {
            case Abi.KIND_EVENT:
            case Abi.KIND_OVERFLOW:
            case Abi.KIND_RESCAN_BEGIN:
            case Abi.KIND_RESCAN_END:
                print(e);
                if (e.kind == Abi.KIND_OVERFLOW && quiet < 2) {
                    err.println("inflow: events were lost (" + ((e.flags & Abi.F_INTERNAL) != 0
                            ? "inflow's own queue was full" : "the kernel queue overflowed; raise fs.inotify.max_queued_events")
                            + "); a rescan follows and reports what exists (RESCAN)");
                }
                exit.sawEvent();
                if (!monitor && e.kind == Abi.KIND_EVENT) {
                    out.flush();
                    exit.finish(0);
                }
                break;
            case Abi.KIND_READY:
                if ((e.flags & Abi.F_FILE) != 0) {
                    view.markFileRoot(e.root);
                }
                if (++ready == roots && quiet == 0) {
                    err.println("Watches established.");
                }
                break;
            case Abi.KIND_WARNING:
                if (quiet < 2) {
                    err.println(e.nameString());
                }
                break;
            case Abi.KIND_ROOT_WAITING:
                if (quiet == 0) {
                    err.println("Waiting for " + e.dirString() + "'s missing part to appear (watching its nearest existing ancestor).");
                }
                break;
            case Abi.KIND_ROOT_ARMED:
                if (quiet == 0) {
                    err.println("Watching " + e.dirString() + " now that it exists.");
                }
                break;
            case Abi.KIND_ROOT_MISSING:
                err.println("Couldn't watch " + e.dirString() + ": " + e.nameString());
                out.flush();
                exit.finish(1);
                break;
            case Abi.KIND_ROOT_GONE:
                if (!monitor) {
                    out.flush();
                    exit.finish(1); // an event nobody asked for ended the wait, as with inotifywait
                }
                break;
            default:
                break;
        }
        if (endOfBatch) {
            out.flush();
        }
    }

    private void print(FsEvent e) throws IOException {
        if (quiet >= 2 || !printEvents) {
            return;
        }
        format.format(e, view, System.currentTimeMillis(), line);
        if (newline) {
            line.append((byte) '\n');
        }
        line.writeTo(out);
    }
}
