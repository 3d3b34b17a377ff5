package org.inflow.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;

/**
 * The peer a Java developer would write: Files.walkFileTree over the tree, WatchService.register
 * on every directory (create, delete, modify), then "Watches established." on stderr like
 * inotifywait. With -m it keeps running and prints one line per event ("DIR/NAME KIND", or
 * "OVERFLOW DIR") so bench/compare can count what it delivers. New directories are registered as
 * they appear (without listing them: what the usual recipe does). Usage:
 *   java -cp benchmarks.jar org.inflow.bench.WatchServiceWalk [-m] DIR
 */
public final class WatchServiceWalk {
    private WatchServiceWalk() {
    }

    public static void main(String[] args) throws Exception {
        boolean monitor = args.length == 2 && args[0].equals("-m");
        Path root = Path.of(args[args.length - 1]);
        WatchService ws = FileSystems.getDefault().newWatchService();
        Map<WatchKey, Path> dirs = new HashMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                dirs.put(register(ws, dir), dir);
                return FileVisitResult.CONTINUE;
            }
        });
        System.err.println("Watches established.");
        System.err.flush();
        if (!monitor) {
            return;
        }
        PrintStream out = new PrintStream(new BufferedOutputStream(System.out, 1 << 16), false);
        for (;;) {
            WatchKey key = ws.take();
            do {
                Path dir = dirs.get(key);
                for (WatchEvent<?> e : key.pollEvents()) {
                    if (e.kind() == StandardWatchEventKinds.OVERFLOW) {
                        out.println("OVERFLOW " + dir);
                        continue;
                    }
                    Path p = dir.resolve((Path) e.context());
                    out.println(p + " " + e.kind().name());
                    if (e.kind() == StandardWatchEventKinds.ENTRY_CREATE && Files.isDirectory(p)) {
                        dirs.put(register(ws, p), p);
                    }
                }
                if (!key.reset()) {
                    dirs.remove(key);
                }
                key = ws.poll();
            } while (key != null);
            out.flush();
        }
    }

    private static WatchKey register(WatchService ws, Path dir) throws IOException {
        return dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                StandardWatchEventKinds.ENTRY_MODIFY);
    }
}
