package org.inflow.cli.incron;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.inflow.daemon.RuleHost;
import org.inflow.rules.InotifyMask;
import org.inflow.rules.ActionSpec;
import org.inflow.rules.Rule;
import org.inflow.rules.RuleReporter;

/**
 * Watches the two table directories with rules of the daemon's own RuleHost, so the tables and
 * the paths they name share one inotify instance, and reports each changed name once it has been
 * quiet for a moment (the coalescer's settle window): a table written in several writes, or
 * saved by an editor in several steps, is reloaded once.
 */
final class IncronTableWatch {
    /** How long a table name must be quiet before it is reloaded. */
    static final Duration QUIET = Duration.ofMillis(150);
    /** A table written without pause is still reloaded this often. */
    static final Duration MAX_DELAY = Duration.ofSeconds(2);
    static final String SOURCE = "incron table directories";

    private static final int TABLE_EVENTS = InotifyMask.IN_CREATE | InotifyMask.IN_DELETE | InotifyMask.IN_MODIFY
            | InotifyMask.IN_CLOSE_WRITE | InotifyMask.IN_MOVED_FROM | InotifyMask.IN_MOVED_TO | InotifyMask.IN_ATTRIB;

    interface Listener {
        /** @param name the table's file name, or null when events were lost: reload everything */
        void changed(IncronTableSet.Kind kind, String name);

        /** A table directory itself was deleted or unmounted. */
        void directoryGone(IncronTableSet.Kind kind);
    }

    private IncronTableWatch() {
    }

    static void install(RuleHost host, Path systemDir, Path userDir, Listener listener) throws IOException {
        host.install(SOURCE, List.of(rule(systemDir, IncronTableSet.Kind.SYSTEM, listener),
                rule(userDir, IncronTableSet.Kind.USER, listener)));
    }

    private static Rule rule(Path dir, IncronTableSet.Kind kind, Listener listener) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString());
        }
        byte[] root = dir.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8);
        return Rule.builder(root)
                .origin(dir.toString())
                .maxDepth(0)
                .mask(TABLE_EVENTS)
                .settle(QUIET)
                .maxDelay(MAX_DELAY)
                .action(ActionSpec.call((rule, path, mask, overflow) -> {
                    if (overflow) {
                        listener.changed(kind, null);
                        return;
                    }
                    int slash = lastSlash(path);
                    if (path.length > root.length && slash == root.length) { // not the directory itself
                        listener.changed(kind, new String(path, slash + 1, path.length - slash - 1,
                                StandardCharsets.UTF_8));
                    }
                }))
                .reporter(new RuleReporter() {
                    @Override
                    public void root(Rule rule, RootState state, byte[] path, String detail) {
                        if (state == RootState.GONE) {
                            listener.directoryGone(kind);
                        }
                    }
                })
                .build();
    }

    private static int lastSlash(byte[] path) {
        for (int i = path.length - 1; i >= 0; i--) {
            if (path[i] == '/') {
                return i;
            }
        }
        return -1;
    }
}
