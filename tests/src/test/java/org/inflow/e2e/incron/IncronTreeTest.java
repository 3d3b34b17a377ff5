package org.inflow.e2e.incron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spec §6 rows 10-18: what incron's recursion, deletion and dot-directory handling got wrong
 * (lost files in new directories, 1 s stalls, IN_IGNORED runs, dead watches after a delete or
 * an editor's save), done right, and IN_DONT_FOLLOW kept.
 */
class IncronTreeTest {
    @TempDir
    Path tmp;

    @Test
    void recursionDeletionReArmingAndDots() throws Exception {
        try (IncronRig rig = new IncronRig(tmp)) {
            Path r = Files.createDirectories(rig.dir.resolve("r"));
            Path nr = Files.createDirectories(rig.dir.resolve("nr"));
            Path gone = Files.createDirectories(rig.dir.resolve("gone"));
            Path dots = Files.createDirectories(rig.dir.resolve("dots"));
            Path dots2 = Files.createDirectories(rig.dir.resolve("dots2"));
            Path under = Files.createDirectories(rig.dir.resolve(".cfg/root"));
            Path file = rig.dir.resolve("file.txt");
            Files.writeString(file, "v1");
            Path target = Files.writeString(rig.dir.resolve("target"), "t");
            Path link = Files.createSymbolicLink(rig.dir.resolve("link"), target);
            Path selfDel = Files.createDirectories(rig.dir.resolve("selfdel"));
            Path selfMove = Files.createDirectories(rig.dir.resolve("selfmove"));
            String h = rig.handler.toString();
            rig.table("self", selfDel + " IN_DELETE_SELF " + h + " sd $@ $# $% $&\n"
                    + selfMove + " IN_MOVE_SELF " + h + " sm $@ $# $% $&\n");
            rig.table("tree", r + " IN_CREATE,IN_CLOSE_WRITE,IN_DELETE " + h + " r $@ $# $%\n"
                    + nr + " IN_CREATE,recursive=false " + h + " nr $@ $#\n"
                    + gone + " IN_CREATE " + h + " gone $#\n"
                    + dots + " IN_CREATE " + h + " dots $@ $#\n"
                    + dots2 + " IN_CREATE,dotdirs=true " + h + " dots2 $@ $#\n"
                    + under + " IN_CREATE " + h + " under $@ $#\n"
                    + file + " IN_CLOSE_WRITE " + h + " file $@ $#\n"
                    + link + " IN_ATTRIB,IN_DONT_FOLLOW " + h + " link $@ $%\n");
            rig.start();

            // row 10: a file written at once in a new directory is seen, with $@ = that directory
            // (found complete by the new directory's scan, its IN_CREATE and IN_CLOSE_WRITE may
            // come as one run)
            Path sub = Files.createDirectory(r.resolve("sub"));
            Files.writeString(sub.resolve("f"), "x");
            rig.await("argc=4[r][" + r + "][sub][IN_CREATE,IN_ISDIR]");
            rig.await(x -> x.startsWith("argc=4[r][" + sub + "][f][") && x.contains("IN_CREATE"));
            rig.await(x -> x.startsWith("argc=4[r][" + sub + "][f][") && x.contains("IN_CLOSE_WRITE"));

            // row 11: several directories and a deep one at once: nothing lost, no stall
            for (String x : new String[] {"x", "y", "z"}) {
                Files.createDirectory(r.resolve(x));
            }
            Path c = Files.createDirectories(r.resolve("a/b/c"));
            Files.writeString(c.resolve("deep"), "x");
            for (String x : new String[] {"x", "y", "z", "a"}) {
                rig.await("argc=4[r][" + r + "][" + x + "][IN_CREATE,IN_ISDIR]");
            }
            rig.await("argc=4[r][" + r.resolve("a") + "][b][IN_CREATE,IN_ISDIR]");
            rig.await("argc=4[r][" + r.resolve("a/b") + "][c][IN_CREATE,IN_ISDIR]");
            rig.await(x -> x.startsWith("argc=4[r][" + c + "][deep][") && x.contains("IN_CLOSE_WRITE"));

            // row 12: recursive=false: the new directory is reported, what is inside it is not
            Files.createDirectory(nr.resolve("sub"));
            Files.writeString(nr.resolve("sub/inner"), "x");
            Files.writeString(nr.resolve("top"), "x");
            rig.await("argc=3[nr][" + nr + "][top]");

            // row 13: rm -r of a watched subdirectory: IN_DELETE runs, no IN_IGNORED ever
            Files.delete(sub.resolve("f"));
            Files.delete(sub);
            rig.await("argc=4[r][" + sub + "][f][IN_DELETE]");
            rig.await("argc=4[r][" + r + "][sub][IN_DELETE,IN_ISDIR]");

            // row 15: a directory moved out of the tree is no longer reported
            Path outside = rig.dir.resolve("outside");
            Files.move(r.resolve("x"), outside);
            Files.writeString(outside.resolve("after-move"), "x");

            // row 14: the watched root deleted and made again is watched again
            Files.delete(gone);
            rig.awaitLog("gone was deleted or moved away");
            Files.createDirectory(gone);
            rig.awaitLog("gone appeared: watching it");
            Files.createFile(gone.resolve("again"));
            rig.await("argc=2[gone][again]");

            // row 16: dot directories below the root are left out unless dotdirs=true; dot files
            // are reported (their directory is watched); a root below a dot directory recurses
            Files.createDirectory(dots.resolve(".hid"));
            Files.createFile(dots.resolve(".hid/inside"));
            Files.createFile(dots.resolve(".dotfile"));
            Files.createDirectory(dots2.resolve(".hid"));
            Files.createFile(dots2.resolve(".hid/inside"));
            Files.createDirectory(under.resolve("s"));
            Files.createFile(under.resolve("s/deep"));
            rig.await("argc=3[dots][" + dots + "][.hid]");
            rig.await("argc=3[dots][" + dots + "][.dotfile]");
            rig.await("argc=3[dots2][" + dots2.resolve(".hid") + "][inside]");
            rig.await("argc=3[under][" + under.resolve("s") + "][deep]");

            // row 17: a watched file replaced by a rename (an editor's save) is watched again;
            // events on a watched file have $@ = the file and an empty $#, as in incron
            Files.writeString(file, "v2");
            rig.await("argc=2[file][" + file + "]");
            int before = count(rig.runs(), "[file][");
            Path tmpFile = rig.dir.resolve("file.txt.new");
            Files.writeString(tmpFile, "v3");
            Files.move(tmpFile, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            rig.awaitLog("file.txt appeared: watching it");
            Files.writeString(file, "v4");
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (count(rig.runs(), "[file][") <= before && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(count(rig.runs(), "[file][") > before, "no run after the file was replaced: " + rig.runs());

            // row 9: events on a watched directory itself: $# empty (no argument), incron's values
            Files.delete(selfDel);
            Files.move(selfMove, rig.dir.resolve("selfmove2"));
            rig.await("argc=4[sd][" + selfDel + "][IN_DELETE_SELF][1024]");
            rig.await("argc=4[sm][" + selfMove + "][IN_MOVE_SELF][2048]");

            // row 18: IN_DONT_FOLLOW watches the link itself
            new ProcessBuilder("touch", "-h", link.toString()).inheritIO().start().waitFor();
            rig.await(x -> x.startsWith("argc=3[link][" + link + "]") && x.contains("IN_ATTRIB"));

            rig.sync();
            rig.sync();
            List<String> runs = rig.runs();
            for (String x : runs) {
                assertFalse(x.contains("IN_IGNORED"), "unrequested IN_IGNORED run: " + x);
                assertFalse(x.contains("inner"), "recursive=false reported inside a subdirectory: " + x);
                assertFalse(x.contains("after-move"), "a directory moved out is still reported: " + x);
                assertFalse(x.contains("[dots][" + dots.resolve(".hid")), "a dot directory was watched: " + x);
            }
            assertEquals(1, count(runs, "[r][" + sub + "][f][IN_CREATE"), runs.toString());
        }
    }

    private static int count(List<String> runs, String part) {
        int n = 0;
        for (String x : runs) {
            if (x.contains(part)) {
                n++;
            }
        }
        return n;
    }
}
