package org.inflow.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Roots that do not exist yet, and roots that are deleted and come back (--wait-missing). */
class WatchRootLifecycleTest {
    @TempDir
    Path tmp;

    private static boolean pathEnds(byte[] record, String suffix) {
        return WatchProcess.endsWith(record, suffix.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void missingRootIsArmedWhenItAppearsAndAgainAfterDeletion() throws Exception {
        Path root = tmp.resolve("a/b/c");
        try (WatchProcess w = WatchProcess.records(root, "-m", "-r", "--wait-missing",
                "-e", "create,close_write", root.toString())) {
            assertTrue(w.stderr().contains("Waiting for"), w.stderr());
            // The path appears in pieces, with content written at once.
            Files.createDirectories(tmp.resolve("a/b"));
            Files.createDirectories(root.resolve("d"));
            Files.writeString(root.resolve("d/f"), "x");
            w.await(0, r -> pathEnds(r, "/a/b/c/d/f"), Duration.ofSeconds(30));
            int at = w.sync();
            assertTrue(at > 0);

            // Deleted: nothing to report; re-created: armed again.
            int before = w.records().size();
            try (Stream<Path> all = Files.walk(tmp.resolve("a"))) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            w.awaitStderr("Waiting for", Duration.ofSeconds(30));
            Files.createDirectories(root);
            Files.writeString(root.resolve("g"), "y");
            w.await(before, r -> pathEnds(r, "/a/b/c/g"), Duration.ofSeconds(30));
            assertTrue(w.process.isAlive());
        }
    }

    @Test
    void missingRootFailsLikeInotifywaitWithoutTheOption() throws Exception {
        Path missing = tmp.resolve("nope");
        try (WatchProcess w = WatchProcess.lines(tmp, false, "-m", missing.toString())) {
            assertEquals(1, w.process.waitFor());
            w.awaitStderr("Couldn't watch " + missing + ": No such file or directory", Duration.ofSeconds(10));
        }
    }

    @Test
    void aSymlinkRootIsFollowedUnlessDashP() throws Exception {
        Path target = Files.createDirectory(tmp.resolve("target"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), target);
        try (WatchProcess w = WatchProcess.lines(tmp, true, "-m", "-e", "create", link.toString())) {
            Files.writeString(target.resolve("a"), "x");
            w.await(0, r -> new String(r, StandardCharsets.UTF_8).equals(link + "/ CREATE a"), Duration.ofSeconds(30));
        }
        try (WatchProcess w = WatchProcess.lines(tmp, true, "-m", "-P", "-e", "create,attrib", link.toString())) {
            Files.writeString(target.resolve("b"), "x");
            // the link itself is watched: a change of the link is reported, nothing inside the target
            WatchTestKit.sh(tmp, "touch -h link");
            int at = w.await(0, r -> new String(r, StandardCharsets.UTF_8).startsWith(link + " ATTRIB"), Duration.ofSeconds(30));
            for (byte[] r : w.records().subList(0, at)) {
                assertTrue(!new String(r, StandardCharsets.UTF_8).contains("CREATE"), new String(r, StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void fileRootReportsItsOwnEvents() throws Exception {
        Path file = tmp.resolve("f.txt");
        Files.writeString(file, "1");
        try (WatchProcess w = WatchProcess.lines(tmp, true, "-m", "-e", "modify,close_write", file.toString())) {
            Files.writeString(file, "2");
            int i = w.await(0, r -> new String(r, StandardCharsets.UTF_8).startsWith(file + " CLOSE_WRITE,CLOSE"),
                    Duration.ofSeconds(30));
            assertTrue(i >= 0);
        }
    }
}
