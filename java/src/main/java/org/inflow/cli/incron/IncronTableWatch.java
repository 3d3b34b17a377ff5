package org.inflow.cli.incron;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Watches the two table directories and reports each changed name once it has been quiet for a
 * moment, so a table written in several writes (or saved by an editor in several steps) is
 * reloaded once. One small inotify instance for the directories, whatever the number of tables.
 */
final class IncronTableWatch implements AutoCloseable {
    /** How long a table name must be quiet before it is reloaded. */
    static final long QUIET_NANOS = 150_000_000L;

    interface Listener {
        void changed(IncronTableSet.Kind kind, String name);

        /** A table directory itself was deleted or unmounted. */
        void directoryGone(IncronTableSet.Kind kind);
    }

    private final WatchService service;
    private final Map<WatchKey, IncronTableSet.Kind> keys = new HashMap<>();
    /** name (kind + '/' + name) -> when it last changed; guarded by this. */
    private final Map<String, Long> pending = new LinkedHashMap<>();
    private final Listener listener;
    private final Thread reader;
    private final Thread debouncer;
    private volatile boolean closed;

    IncronTableWatch(Path systemDir, Path userDir, Listener listener) throws IOException {
        this.listener = listener;
        service = FileSystems.getDefault().newWatchService();
        keys.put(register(systemDir), IncronTableSet.Kind.SYSTEM);
        keys.put(register(userDir), IncronTableSet.Kind.USER);
        reader = new Thread(this::read, "incron-tables");
        debouncer = new Thread(this::debounce, "incron-reload");
        reader.setDaemon(true);
        debouncer.setDaemon(true);
        reader.start();
        debouncer.start();
    }

    private WatchKey register(Path dir) throws IOException {
        return dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                StandardWatchEventKinds.ENTRY_MODIFY);
    }

    private void read() {
        try {
            while (!closed) {
                WatchKey key = service.take();
                IncronTableSet.Kind kind = keys.get(key);
                for (WatchEvent<?> ev : key.pollEvents()) {
                    if (ev.kind() == StandardWatchEventKinds.OVERFLOW) {
                        listener.changed(kind, null);
                        continue;
                    }
                    String name = ((Path) ev.context()).toString();
                    synchronized (this) {
                        pending.remove(kind + "/" + name);
                        pending.put(kind + "/" + name, System.nanoTime());
                        notifyAll();
                    }
                }
                if (!key.reset() && !closed) {
                    listener.directoryGone(kind);
                    return;
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException done) {
            // closing
        }
    }

    private void debounce() {
        try {
            while (!closed) {
                String due = null;
                synchronized (this) {
                    while (!closed && pending.isEmpty()) {
                        wait();
                    }
                    if (closed) {
                        return;
                    }
                    long now = System.nanoTime();
                    long wait = Long.MAX_VALUE;
                    for (Map.Entry<String, Long> e : pending.entrySet()) {
                        long left = e.getValue() + QUIET_NANOS - now;
                        if (left <= 0) {
                            due = e.getKey();
                            break;
                        }
                        wait = Math.min(wait, left);
                    }
                    if (due == null) {
                        wait(Math.max(1, wait / 1_000_000L));
                        continue;
                    }
                    pending.remove(due);
                }
                int slash = due.indexOf('/');
                listener.changed(IncronTableSet.Kind.valueOf(due.substring(0, slash)), due.substring(slash + 1));
            }
        } catch (InterruptedException done) {
            // closing
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            service.close();
        } catch (IOException ignored) {
            // nothing to do
        }
        synchronized (this) {
            notifyAll();
        }
    }
}
