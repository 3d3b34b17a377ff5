package org.inflow.e2e.incron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spec §6 rows 20-33, 38, 43, 48: the table model with incron's parse results kept, problems
 * reported as FILE:LINE, comments, escapes, CRLF, long lines, reloads (debounced, SIGHUP, a
 * broken reload keeping the old entries), IN_NO_LOOP / loopable=true and IN_ONESHOT.
 */
class IncronTablesTest {
    @TempDir
    Path tmp;

    @Test
    void parsingProblemsAndCompatibleResults() throws Exception {
        try (IncronRig rig = new IncronRig(tmp)) {
            Path p = Files.createDirectories(rig.dir.resolve("p"));
            Path q = Files.createDirectories(rig.dir.resolve("q"));
            Path sp = Files.createDirectories(rig.dir.resolve("w 7"));
            Path crlf = Files.createDirectories(rig.dir.resolve("crlf"));
            Path num = Files.createDirectories(rig.dir.resolve("num"));
            Path sub = Files.createDirectories(num.resolve("sub"));
            Path bogus = Files.createDirectories(rig.dir.resolve("bogus"));
            Path g = Files.createDirectories(rig.dir.resolve("g"));
            Files.writeString(g.resolve("old.txt"), "");
            String h = rig.handler.toString();
            String longArg = "L".repeat(1100);
            String table = "# a comment with words in it\n"
                    + "   # an indented comment\n"
                    + "#short\n"
                    + p + " IN_CREATE\n"                                          // line 4: too few fields
                    + p + " 0x100 " + h + " hex $#\n"                               // line 5: mask 0
                    + p + " in_create,IN_BOGUS " + h + " bad $#\n"                  // line 6: no event
                    + p + " IN_CREATE " + h + " p $#\n"                             // line 7
                    + p + "/ IN_CREATE " + h + " dup $#\n"                          // line 8: duplicate
                    + rig.dir.resolve("w\\ 7") + " IN_CREATE " + h + " sp $@ $#\n" // line 9: escaped blank
                    + "\t" + crlf + "   IN_CREATE " + h + " crlf $#\r\n"           // line 10
                    + num + " 256,recursive=false " + h + " num $@ $#\n"            // line 11: options ignored
                    + bogus + " IN_CREATE,IN_BOGUS " + h + " bogus $#\n"            // line 12
                    + q + " IN_CREATE " + h + " long " + longArg + " $#\n"          // line 13
                    + rig.dir.resolve("nonexistent") + " IN_CREATE " + h + " ne $#\n" // line 14
                    + rig.dir.resolve("$(id>INJ)") + " IN_CREATE " + h + " inj $#\n"  // line 15
                    + g + "/*.txt IN_CLOSE_WRITE " + h + " glob $@ $#\n";              // line 16: glob
            rig.table("t", table);
            rig.start();
            String t = rig.sys.resolve("t").toString();
            rig.awaitLog(t + ":14: " + rig.dir.resolve("nonexistent") + " does not exist");
            String err = rig.stderr();
            assertTrue(err.contains(t + ":4: too few fields"), err);
            assertTrue(err.contains(t + ":5: mask '0x100' has no event"), err);
            assertTrue(err.contains(t + ":6: unknown event name 'in_create'"), err);
            assertTrue(err.contains(t + ":8: duplicate path"), err);
            assertTrue(err.contains(t + ":11: numeric mask '256,recursive=false'"), err);
            assertTrue(err.contains(t + ":12: unknown event name 'IN_BOGUS'"), err);
            for (int line = 1; line <= 3; line++) {
                assertFalse(err.contains(t + ":" + line + ":"), "a comment was read as a rule: " + err);
            }

            Files.createFile(p.resolve("a"));
            rig.await("argc=2[p][a]");
            Files.createFile(sp.resolve("b"));
            rig.await("argc=3[sp][" + sp + "][b]");
            Files.createFile(crlf.resolve("c"));
            rig.await("argc=2[crlf][c]"); // no trailing CR
            Files.createFile(sub.resolve("d"));
            rig.await("argc=3[num][" + sub + "][d]"); // 256 with the option ignored: recursion, as incron
            Files.createFile(bogus.resolve("e"));
            rig.await("argc=2[bogus][e]");
            Files.createFile(q.resolve("f"));
            rig.await("argc=3[long][" + longArg + "][f]");
            // row 34: a glob entry: $@ is the matching file, $# empty (incron's values); files
            // made later match too, other names do not
            Files.writeString(g.resolve("old.txt"), "x");
            Files.writeString(g.resolve("new.txt"), "x");
            Files.writeString(g.resolve("other.dat"), "x");
            rig.await("argc=2[glob][" + g.resolve("old.txt") + "]");
            rig.await("argc=2[glob][" + g.resolve("new.txt") + "]");
            // row 29: the missing path is watched for and used once it exists
            Path ne = Files.createDirectory(rig.dir.resolve("nonexistent"));
            rig.awaitLog("nonexistent appeared: watching it");
            Files.createFile(ne.resolve("g"));
            rig.await("argc=2[ne][g]");
            rig.sync();
            for (String r : rig.runs()) {
                assertFalse(r.startsWith("argc=2[dup]") || r.startsWith("argc=2[hex]") || r.startsWith("argc=2[bad]")
                        || r.contains("other.dat"), r);
            }
            // row 38: a table path is never shell code
            assertFalse(Files.exists(rig.dir.resolve("INJ")), "a table path ran as shell code");
            assertFalse(Files.exists(Path.of("/INJ")), "a table path ran as shell code");
        }
    }

    @Test
    void reloadsLoopsAndOneshot() throws Exception {
        try (IncronRig rig = new IncronRig(tmp)) {
            Path a = Files.createDirectories(rig.dir.resolve("a"));
            Path loop = Files.createDirectories(rig.dir.resolve("loop"));
            Path once = Files.createDirectories(rig.dir.resolve("once"));
            String h = rig.handler.toString();
            // a handler that rewrites the file that triggered it, at most 3 times
            Path rewrite = rig.dir.resolve("rewrite.sh");
            Files.writeString(rewrite, "#!/bin/bash\n" + h + " \"$@\"\nn=$(grep -c . \"$2\")\n"
                    + "if [ \"$n\" -lt 3 ]; then echo x >> \"$2\"; fi\n");
            rewrite.toFile().setExecutable(true);
            Files.writeString(loop.resolve("noloop"), "");
            Files.writeString(loop.resolve("loopable"), "");
            rig.table("a", a + " IN_CREATE " + h + " a1 $#\n");
            rig.table("loops", loop.resolve("noloop") + " IN_CLOSE_WRITE,IN_NO_LOOP " + rewrite + " nl $@\n"
                    + loop.resolve("loopable") + " IN_CLOSE_WRITE,loopable=true " + rewrite + " lo $@\n");
            rig.table("once", once + " IN_CREATE,IN_ONESHOT " + h + " once $#\n");
            // rows 25, 24: backups and dot files are not tables; they are said to be ignored
            rig.table("backup~", a + " IN_CREATE " + h + " backup $#\n");
            rig.table("t.dpkg-old", a + " IN_CREATE " + h + " dpkg $#\n");
            rig.table("t.swp", a + " IN_CREATE " + h + " swp $#\n");
            Files.writeString(rig.sys.resolve(".hidden"), a + " IN_CREATE " + h + " hidden $#\n");
            rig.start();
            assertTrue(rig.stderr().contains("ignoring system table backup~"), rig.stderr());
            assertTrue(rig.stderr().contains("ignoring system table t.dpkg-old"), rig.stderr());

            // row 22: IN_NO_LOOP: the handler's own rewrite does not run it again; loopable=true does
            Files.writeString(loop.resolve("noloop"), "x\n");
            Files.writeString(loop.resolve("loopable"), "x\n");
            rig.await("argc=2[lo][" + loop.resolve("loopable") + "]");
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (countStarting(rig.runs(), "argc=2[lo]") < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(3, countStarting(rig.runs(), "argc=2[lo]"), rig.runs().toString());
            rig.sync();
            rig.sync();
            assertEquals(1, countStarting(rig.runs(), "argc=2[nl]"), rig.runs().toString());

            // row 23: IN_ONESHOT runs once, and again after the table is reloaded
            Files.createFile(once.resolve("o1"));
            rig.await("argc=2[once][o1]");
            Files.createFile(once.resolve("o2"));
            rig.sync();
            Files.setLastModifiedTime(rig.sys.resolve("once"), java.nio.file.attribute.FileTime.fromMillis(
                    System.currentTimeMillis()));
            rig.awaitLog("system table once changed, reloading");
            rig.awaitLog("system table once: 1 entry active", 2);
            Files.createFile(once.resolve("o3"));
            rig.await("argc=2[once][o3]");

            // row 24: a table written in two writes reloads once; created and deleted tables
            Path t2 = rig.sys.resolve("two-writes");
            Files.writeString(t2, a + " IN_CREATE ");
            Files.writeString(t2, h + " two $#\n", StandardOpenOption.APPEND);
            rig.awaitLog("system table two-writes created, loading");
            rig.awaitLog("system table two-writes: 1 entry active");
            Files.createFile(a.resolve("x1"));
            rig.await("argc=2[two][x1]");
            rig.await("argc=2[a1][x1]");
            assertEquals(1, rig.count("system table two-writes"
                    + " created, loading") + rig.count("system table two-writes changed, reloading"), rig.stderr());
            Files.delete(t2);
            rig.awaitLog("system table two-writes destroyed, removing");

            // a reload that finds nothing valid keeps the previous entries running
            rig.table("a", "this is not a table\n");
            rig.awaitLog("system table a changed, reloading");
            rig.awaitLog("its previous entries keep running");
            Files.createFile(a.resolve("x2"));
            rig.await("argc=2[a1][x2]");

            // rows 43, 48: SIGHUP reloads every table; a table rewritten right after its watched
            // directory was deleted does not end the daemon
            rig.table("a", a + " IN_CREATE " + h + " a2 $#\n");
            rig.awaitLog("system table a: 1 entry active", 2);
            new ProcessBuilder("kill", "-HUP", Long.toString(rig.pid())).inheritIO().start().waitFor();
            rig.awaitLog("reloading all tables");
            rig.awaitLog("system table a: 1 entry active", 3);
            Files.createFile(a.resolve("x3"));
            rig.await("argc=2[a2][x3]");
            Files.delete(a.resolve("x1"));
            Files.delete(a.resolve("x2"));
            Files.delete(a.resolve("x3"));
            Files.delete(a);
            rig.table("a", a + " IN_CREATE " + h + " a3 $#\n");
            rig.awaitLog("system table a: 1 entry active", 4);
            rig.sync();
            assertTrue(rig.process.isAlive(), rig.stderr());
            for (String r : rig.runs()) {
                assertFalse(r.startsWith("argc=2[backup]") || r.startsWith("argc=2[dpkg]")
                        || r.startsWith("argc=2[swp]") || r.startsWith("argc=2[hidden]"), r);
                assertFalse(r.equals("argc=2[once][o2]"), "IN_ONESHOT ran twice");
            }
        }
    }

    private static long countStarting(List<String> runs, String prefix) {
        return runs.stream().filter(r -> r.startsWith(prefix)).count();
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
