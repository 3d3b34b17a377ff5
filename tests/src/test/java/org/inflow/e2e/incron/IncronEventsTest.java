package org.inflow.e2e.incron;

import static org.inflow.e2e.incron.IncronRig.latin1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spec §6 rows 1, 3-9, 19, 35: incron's events, `$%`/`$&` values and wildcards, with names that
 * reach the command intact, as one argument, whatever they contain and however they are quoted.
 */
class IncronEventsTest {
    @TempDir
    Path tmp;

    @Test
    void eventsWildcardsAndHostileNames() throws Exception {
        try (IncronRig rig = new IncronRig(tmp)) {
            Path w = Files.createDirectories(rig.dir.resolve("w"));
            Path n = Files.createDirectories(rig.dir.resolve("n"));
            Path d = Files.createDirectories(rig.dir.resolve("d"));
            Path dirs = Files.createDirectories(rig.dir.resolve("dirs"));
            Path isdir = Files.createDirectories(rig.dir.resolve("i"));
            String h = rig.handler.toString();
            rig.table("events", w + " IN_CREATE,IN_ATTRIB,IN_CLOSE_WRITE,IN_MOVE,IN_DELETE,IN_MODIFY " + h
                    + " w $@ $# $% $&\n"
                    + dirs + " IN_OPEN,IN_ACCESS,IN_CLOSE_NOWRITE " + h + " dirs $@ $# $% $&\n"
                    + isdir + " IN_CREATE,IN_ISDIR " + h + " i $#\n");
            rig.table("names", n + " IN_CREATE " + h + " n $# '$#' \"$#\" x$#y \"$$(printf '<%s>' $#)\" \"`printf '(%s)' $#`\"\n");
            rig.table("dollars", d + " IN_CREATE " + h + " d $$HOME $HOME ${HOME} $x $1 100$\n");
            rig.table("twin", d + " IN_CREATE " + h + " twin $#\n");
            Path conc = Files.createDirectories(rig.dir.resolve("conc"));
            Path release = rig.dir.resolve("release");
            rig.table("conc", conc + " IN_CREATE " + h + " conc $#; while [ ! -e " + release + " ]; do sleep 0.02; done\n");
            rig.start();

            // row 1: one run per event, incron's values
            Path f = w.resolve("f1");
            Files.write(f, new byte[0]);
            rig.await("argc=5[w][" + w + "][f1][IN_CREATE][256]");
            rig.await("argc=5[w][" + w + "][f1][IN_CLOSE_WRITE][8]");
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
            rig.await("argc=5[w][" + w + "][f1][IN_ATTRIB][4]");
            Files.writeString(f, "more");
            rig.await("argc=5[w][" + w + "][f1][IN_MODIFY][2]");
            Files.move(f, w.resolve("f2"));
            rig.await("argc=5[w][" + w + "][f1][IN_MOVED_FROM][64]");
            rig.await("argc=5[w][" + w + "][f2][IN_MOVED_TO][128]");
            Files.delete(w.resolve("f2"));
            rig.await("argc=5[w][" + w + "][f2][IN_DELETE][512]");

            // row 9: events on the watched directory itself carry IN_ISDIR and an empty $#
            try (Stream<Path> s = Files.list(dirs)) {
                s.count();
            }
            rig.await("argc=4[dirs][" + dirs + "][IN_OPEN,IN_ISDIR][1073741856]");
            rig.await("argc=4[dirs][" + dirs + "][IN_CLOSE_NOWRITE,IN_ISDIR][1073741840]");

            // row 19: IN_ISDIR in a mask filters nothing (incron's behaviour, kept)
            Files.createFile(isdir.resolve("plain"));
            rig.await("argc=2[i][plain]");

            // rows 3-7: blanks, tabs, shell syntax: one argument, the same bytes, nothing run, in
            // every quoting context ($$( is how a table writes $( past incron's dollar rule), tabs, shell syntax: one argument, the same bytes, nothing run
            String[] names = {"a b", "two  spaces", "tab\tx", "y;touch INJ4", "$(touch INJ5)", "`touch INJ6`",
                "z;touch${IFS}INJ7", "gt>INJ8", "#hash", "new\nline", "q'uote", "dq\"uote", "dollar$HOME",
                "brace{a,b}", "st*ar", "amp&touch INJ9", "pipe|touch INJ10", "back\\slash", "'\";touch INJ11;'",
                "-n", "é ü"};
            for (String name : names) {
                Files.createFile(n.resolve(name));
            }
            for (String name : names) {
                String v = latin1(name);
                rig.await("argc=7[n][" + v + "][" + v + "][" + v + "][x" + v + "y][<" + v + ">][(" + v + ")]");
            }
            try (Stream<Path> s = Files.walk(rig.dir)) {
                assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith("INJ") && !p.getParent().equals(n)),
                        "a file name ran as shell code");
            }

            // row 8: incron's dollar rules, exactly
            Files.createFile(d.resolve("x"));
            rig.await("argc=7[d][" + System.getenv("HOME") + "][HOME][{HOME}][x][1][100]");
            // row 35: the same path in two tables: both run
            rig.await("argc=2[twin][x]");

            // row 2: runs overlap, as in incron: the second starts while the first still runs
            Files.createFile(conc.resolve("first"));
            rig.await("argc=2[conc][first]");
            Files.createFile(conc.resolve("second"));
            rig.await("argc=2[conc][second]");
            Files.createFile(release);

            rig.sync();
            List<String> runs = rig.runs();
            assertEquals(1, runs.stream().filter(r -> r.equals("argc=5[w][" + w + "][f1][IN_CREATE][256]")).count(),
                    "one run per event: " + runs);
            assertTrue(rig.stderr().contains("(system::names) CMD ("), rig.stderr());
        }
    }
}
