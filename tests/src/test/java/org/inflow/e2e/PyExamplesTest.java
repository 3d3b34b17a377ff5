package org.inflow.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inosync and inorun configurations in examples/, loaded unchanged, run against local targets. */
class PyExamplesTest {
    private static final Path EXAMPLE = Path.of("/tmp/inflow-example");
    private static final Path WWW = Path.of("/var/www");

    @TempDir
    Path tmp;

    private static Path example(String name) {
        return WatchProcess.home().resolve("examples").resolve(name);
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> all = Files.walk(p)) {
            for (Path x : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(x);
            }
        }
    }

    @Test
    void localExamplesMirrorAndRun() throws Exception {
        boolean existed = Files.exists(EXAMPLE);
        Path src = EXAMPLE.resolve("src");
        try {
            deleteTree(EXAMPLE.resolve("mirror-a"));
            deleteTree(EXAMPLE.resolve("mirror-b"));
            Files.createDirectories(src);
            Files.writeString(src.resolve("before"), "b");
            try (PyDaemonProcess d = PyDaemonProcess.start("inosync", "-c", example("inosync/local.py").toString())) {
                d.await("resuming normal operations");
                PyDaemonProcess.awaitSame(src, EXAMPLE.resolve("mirror-a"));
                Files.createDirectories(src.resolve("d e"));
                Files.writeString(src.resolve("d e/after"), "a");
                Files.move(src.resolve("before"), src.resolve("d e/before"));
                PyDaemonProcess.awaitSame(src, EXAMPLE.resolve("mirror-a"));
                PyDaemonProcess.awaitSame(src, EXAMPLE.resolve("mirror-b"));
                assertEquals(0, d.stop());
            }
            try (PyDaemonProcess d = PyDaemonProcess.start("inorun", "-c", example("inorun/local.py").toString())) {
                d.await("node-a " + src + "/ "); // initevent: /bin/echo for the root itself
                d.await("watching");
                Files.writeString(src.resolve("x y"), "x");
                d.await("node-b " + src + "/ x y");
                assertEquals(0, d.stop());
            }
        } finally {
            if (!existed) {
                deleteTree(EXAMPLE);
            }
        }
    }

    /**
     * The samples name /var/www and remote hosts. rsync reaches a.mirror.com through its remote
     * shell; here that shell runs the remote side on this machine under tmp/HOST, so the sample
     * mirrors for real, unchanged.
     */
    @Test
    void upstreamShapedSamplesLoadUnchangedAndRunAgainstLocalTargets() throws Exception {
        Assumptions.assumeFalse(Files.exists(WWW), "skipped: /var/www exists and is not ours to write into");
        Path shell = tmp.resolve("local-remote-shell");
        Files.writeString(shell, "#!/bin/bash\nhost=$1; shift\nargs=(\"$@\")\nargs[-1]=\"" + tmp
                + "/$host${args[-1]}\"\nmkdir -p \"${args[-1]}\"\nexec \"${args[@]}\"\n");
        Files.setPosixFilePermissions(shell, PosixFilePermissions.fromString("rwxr-xr-x"));
        try {
            Files.createDirectories(WWW);
        } catch (IOException e) {
            Assumptions.abort("skipped: cannot create /var/www (" + e.getMessage() + "); the test needs root");
        }
        try {
            Files.writeString(WWW.resolve("index.html"), "hi");
            Path a = tmp.resolve("a.mirror.com/var/www");
            Path b = tmp.resolve("b.mirror.com/var/www");
            try (PyDaemonProcess d = PyDaemonProcess.start(Map.of("RSYNC_RSH", shell.toString()), "inosync", "-v", "-c",
                    example("inosync/sample.py").toString())) {
                d.await("resuming normal operations");
                PyDaemonProcess.awaitSame(WWW, a);
                PyDaemonProcess.awaitSame(WWW, b);
                Files.writeString(WWW.resolve("new page.html"), "new");
                Files.delete(WWW.resolve("index.html"));
                // the sample's edelay is the default 10 s: the first change waits that long
                PyDaemonProcess.awaitSame(WWW, a);
                PyDaemonProcess.awaitSame(WWW, b);
                assertTrue(d.lines().stream().anyMatch(l -> l.contains("a.mirror.com:/var/www/")), d.lines().toString());
                assertEquals(0, d.stop());
            }
            try (PyDaemonProcess d = PyDaemonProcess.start("inorun", "-c", example("inorun/sample.py").toString())) {
                d.await("a.mirror.com /var/www/ "); // initevent
                d.await("watching");
                Files.writeString(WWW.resolve("p q"), "x");
                d.await("b.mirror.com /var/www/ p q");
                assertEquals(0, d.stop());
            }
        } finally {
            deleteTree(WWW);
        }
    }
}
