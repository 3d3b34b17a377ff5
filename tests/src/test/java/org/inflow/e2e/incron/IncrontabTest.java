package org.inflow.e2e.incron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spec §6 rows 27, 50-54: incrontab keeps the user's text byte for byte, refuses tables with
 * problems (FILE:LINE, exit 1), stores 0600 tables owned by their user atomically, compares
 * edits by content, and ignores -f for users other than root.
 */
class IncrontabTest {
    @TempDir
    Path tmp;

    /** Exit status, stdout, stderr of one bin/incrontab run. */
    record Run(int status, byte[] out, String err) {
        String outText() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    private Run incrontab(Map<String, String> env, byte[] stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(IncronRig.home().resolve("bin/incrontab").toString());
        cmd.addAll(List.of(args));
        return exec(cmd, env, stdin);
    }

    private static Run exec(List<String> cmd, Map<String, String> env, byte[] stdin) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write(stdin);
        }
        byte[][] out = new byte[1][];
        Thread t = new Thread(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = new byte[0];
            }
        });
        t.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        t.join();
        return new Run(p.exitValue(), out[0], err);
    }

    @Test
    void importListEditRemove() throws Exception {
        try (IncronRig rig = new IncronRig(tmp)) {
            String conf = rig.conf.toString();
            String me = System.getProperty("user.name");
            Path table = rig.user.resolve(me);
            // rows 50, 27: the text is kept as written: comments, blanks, tabs, mask spelling, CRLF
            byte[] text = ("# my table: a comment with words\n\n" + rig.dir + "   12  echo  $#   two blanks\n"
                    + rig.dir + "/b\tIN_CLOSE,IN_NO_LOOP\techo x\r\n").getBytes(StandardCharsets.UTF_8);
            Path src = rig.dir.resolve("mine.tab");
            Files.write(src, text);
            Run r = incrontab(Map.of(), new byte[0], "-f", conf, src.toString());
            assertEquals(0, r.status(), r.err());
            assertEquals("copying table from file '" + src + "'\n", r.err());
            assertArrayEquals(text, Files.readAllBytes(table));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(table)));
            assertEquals(me, Files.getOwner(table, LinkOption.NOFOLLOW_LINKS).getName());
            r = incrontab(Map.of(), new byte[0], "-f", conf, "-l");
            assertArrayEquals(text, r.out());
            // row 54: incron's parser: -l takes a word as its value; unknown options are ignored
            assertArrayEquals(text, incrontab(Map.of(), new byte[0], "-f", conf, "-l", "foo").out());
            assertArrayEquals(text, incrontab(Map.of(), new byte[0], "--bogus", "-f", conf, "-l").out());

            // a table with problems is refused, each named FILE:LINE; the old table stays
            byte[] bad = (rig.dir + " IN_CREAT echo typo\n" + rig.dir + " IN_CREATE\n").getBytes(StandardCharsets.UTF_8);
            r = incrontab(Map.of(), bad, "-f", conf, "-");
            assertEquals(1, r.status(), r.err());
            assertTrue(r.err().contains("(stdin):1: unknown event name 'IN_CREAT'"), r.err());
            assertTrue(r.err().contains("(stdin):2: too few fields"), r.err());
            assertArrayEquals(text, Files.readAllBytes(table));

            // row 51: -e compares content: two quick edits both count; no change is "unchanged"
            Path editor = rig.dir.resolve("ed.sh");
            Files.writeString(editor, "#!/bin/sh\nprintf '%s IN_CREATE echo edit\\n' \"" + rig.dir + "/e$$\" >> \"$1\"\n");
            editor.toFile().setExecutable(true);
            r = incrontab(Map.of("EDITOR", editor.toString()), new byte[0], "-f", conf, "-e");
            assertEquals(0, r.status(), r.err());
            assertTrue(r.err().contains("table updated"), r.err());
            r = incrontab(Map.of("EDITOR", editor.toString()), new byte[0], "-f", conf, "-e");
            assertTrue(r.err().contains("table updated"), r.err());
            String now = Files.readString(table);
            assertEquals(2, now.split("echo edit", -1).length - 1, now);
            assertTrue(now.startsWith("# my table: a comment with words\n\n"), now);
            r = incrontab(Map.of("EDITOR", "true"), new byte[0], "-f", conf, "-e");
            assertEquals(0, r.status());
            assertTrue(r.err().contains("table unchanged"), r.err());

            // -d touches (the daemon reloads), -t lists the types, -r removes
            r = incrontab(Map.of(), new byte[0], "-f", conf, "-d");
            assertEquals("requesting table reload for user '" + me + "'...\nrequest done\n", r.err());
            r = incrontab(Map.of(), new byte[0], "-f", conf, "-t");
            assertTrue(r.outText().startsWith("IN_ACCESS,IN_MODIFY,IN_ATTRIB,IN_CLOSE_WRITE"), r.outText());
            r = incrontab(Map.of(), new byte[0], "-f", conf, "-r");
            assertEquals("removing table for user '" + me + "'\ntable for user '" + me + "' successfully removed\n", r.err());
            r = incrontab(Map.of(), new byte[0], "-f", conf, "-l");
            assertEquals("no table for " + me + "\n", r.err());
            r = incrontab(Map.of(), new byte[0], "-f", conf);
            assertEquals(1, r.status());
            assertEquals("invalid arguments - specify operation or source file\n", r.err());

            // row 40 on this side: an empty allow file refuses root too
            Files.writeString(rig.dir.resolve("allow"), "");
            r = incrontab(Map.of(), new byte[0], "-f", conf, "-t");
            assertEquals(1, r.status());
            assertEquals("user '" + me + "' is not allowed to use incron\n", r.err());
        }
    }

    @Test
    void rootActsForOthersAndOthersCannotUseMinusF() throws Exception {
        if (!IncronRig.isRoot()) {
            System.out.println("IncrontabTest: not root: -u and the -f privilege check are not tested");
            return;
        }
        try (IncronRig rig = new IncronRig(tmp)) {
            String conf = rig.conf.toString();
            Path editor = rig.dir.resolve("ed.sh");
            Files.writeString(editor, "#!/bin/sh\nprintf '%s IN_CREATE echo edit\\n' \"" + rig.dir + "\" >> \"$1\"\n"
                    + "id -un > " + rig.dir.resolve("editor-user") + "\n");
            editor.toFile().setExecutable(true, false);
            for (Path p : new Path[] {tmp, rig.dir}) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
            }
            // row 52: root's -u U -e leaves the table owned by U
            Run r = incrontab(Map.of("EDITOR", editor.toString()), new byte[0], "-f", conf, "-u", "nobody", "-e");
            assertEquals(0, r.status(), r.err());
            Path table = rig.user.resolve("nobody");
            assertEquals("nobody", Files.getOwner(table, LinkOption.NOFOLLOW_LINKS).getName());
            assertEquals("nobody\n", Files.readString(rig.dir.resolve("editor-user")), "the editor runs as the table's user");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(table)));
            // row 53: for anyone but root, -f is really ignored (the default allow/deny apply)
            Run reach = exec(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "test", "-x",
                    IncronRig.home().resolve("bin/incrontab").toString()), Map.of(), new byte[0]);
            if (reach.status() != 0) {
                System.out.println("IncrontabTest: rows 53-54 skipped: user nobody cannot reach "
                        + IncronRig.home() + " (a parent directory is not searchable by others)");
                return;
            }
            Files.writeString(rig.dir.resolve("allow"), "nobody\n");
            List<String> cmd = List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                    IncronRig.home().resolve("bin/incrontab").toString(), "-f", conf, "-l");
            r = exec(cmd, Map.of("HOME", "/"), new byte[0]);
            assertTrue(r.err().startsWith("insufficient privileges to use custom configuration (will use default)\n"), r.err());
            assertTrue(!r.err().contains("no table for nobody") && r.out().length == 0,
                    "the custom configuration was used: " + r.err());
            // -u by a non-root user
            r = exec(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                    IncronRig.home().resolve("bin/incrontab").toString(), "-u", "root", "-l"), Map.of("HOME", "/"), new byte[0]);
            assertEquals(1, r.status());
            assertEquals("cannot override user to 'root': insufficient privileges\n", r.err());
        }
    }
}
