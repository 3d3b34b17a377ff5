package org.inflow.dialect.direvent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.inflow.rules.InotifyMask;

/** The grecs grammar as direvent 5.2 reads it; messages as 5.2 prints them (checked against Debian's 5.2). */
class ConfigReaderTest {
    @TempDir
    Path tmp;

    private static DirEventConfig read(String text) {
        return new ConfigReader(List.of()).read("x.conf", text);
    }

    @Test
    void commentsQuotesConcatenationAndLists() {
        DirEventConfig c = read("# a comment\n// another\n/* a\n block */ watcher {\n"
                + "  path /tmp/a//b; path \"/tmp/\" \"x y\" recursive 2;\n"
                + "  event (create, CLOSE_WRITE,); event write attrib;\n"
                + "  file (\"*.c\", \"!/^x/i\");\n"
                + "  command \"a\\tb \\\"q\\\" \\\\n\";\n"
                + "  option (nowait, shell);\n  timeout 0;\n}\n");
        assertEquals(List.of(), c.diagnostics().lines());
        WatcherSpec w = c.watchers().get(0);
        assertEquals("/tmp/a//b", w.paths().get(0).path());
        assertEquals("/tmp/x y", w.paths().get(1).path());
        assertEquals(2, w.paths().get(1).depth());
        assertEquals("a\tb \"q\" \\n", w.command());
        assertEquals(Events.GEN_CREATE | Events.GEN_WRITE | Events.GEN_ATTRIB, w.genericMask);
        assertEquals(InotifyMask.IN_CLOSE_WRITE, w.systemMask);
        assertEquals(2, w.patterns.size());
        assertTrue(w.nowait && w.shell);
        assertEquals(0, w.timeoutSeconds);
    }

    @Test
    void aHashStartsACommentEvenInsideAWord() {
        DirEventConfig c = read("watcher { path /tmp#x; command \"x\"; }\n");
        assertTrue(c.diagnostics().fatal());
        assertEquals(List.of("x.conf:1.20-38: syntax error, unexpected $end, expecting '{'"), c.diagnostics().lines());
    }

    @Test
    void hereDocuments() {
        DirEventConfig c = read("watcher {\n  path /tmp;\n  command <<EOT\n/bin/echo \\t$file\n  two\nEOT\n;\n}\n"
                + "watcher {\n  path /tmp;\n  command <<-\\END\n\t\tkeep \\t\n\tEND\n;\n}\n");
        assertEquals(List.of(), c.diagnostics().lines());
        assertEquals("/bin/echo \t$file\n  two\n", c.watchers().get(0).command());
        assertEquals("keep \\t\n", c.watchers().get(1).command());
    }

    @Test
    void semanticErrorsCostTheirStatementOnly() {
        DirEventConfig c = read("watcher { path /tmp; event foo; command \"x\"; user nosuchuser; }\n"
                + "watcher { path /tmp x; command \"/bin/true\"; }\n"
                + "foo;\nforeground maybe;\nwatcher { path /w; command \"y\"; option nowait; event (); }\n");
        assertFalse(c.diagnostics().fatal());
        assertEquals(List.of(
                "x.conf:1.28-30: unrecognized event code",
                "x.conf:1.51-60: no such user",
                "x.conf:2.21: expected \"recursive\" or end of statement",
                "x.conf:2.1-45: no paths configured",
                "x.conf:3.1-3: unknown keyword",
                "x.conf:4.12-16: maybe: not a valid boolean value",
                "x.conf:5.40-45: warning: option without parentheses taken as option (nowait) (direvent 5.2 ignored it)",
                "x.conf:5.54-55: empty list"), c.diagnostics().lines());
        assertEquals(2, c.watchers().size());
        assertTrue(c.watchers().get(1).nowait);
    }

    @Test
    void syntaxErrorsAreFatal() {
        assertEquals(List.of("x.conf:1.10: syntax error, unexpected '}', expecting IDENT"), read("watcher {}\n").diagnostics().lines());
        assertEquals(List.of("x.conf:1.44: stray character ="), read("watcher { path /tmp; command \"x\"; environ A=1; }\n")
                .diagnostics().lines().subList(0, 1));
        assertTrue(read("watcher { path /tmp; command \"x\";").diagnostics().fatal());
    }

    @Test
    void includesSearchTheDirectoriesOnceAndRefuseRecursion() throws Exception {
        Files.writeString(tmp.resolve("w.conf"), "watcher { path /w; command \"x\"; }\n");
        Files.writeString(tmp.resolve("self.conf"), "#include \"" + tmp.resolve("self.conf") + "\"\n");
        ConfigReader r = new ConfigReader(List.of(tmp));
        DirEventConfig c = r.read("x.conf", "#include <w.conf>\n#include_once <w.conf>\n#include <w.conf>\n");
        assertEquals(List.of(), c.diagnostics().lines());
        assertEquals(2, c.watchers().size());
        c = r.read("x.conf", "#line 40 \"other.conf\"\nfoo;\n");
        assertEquals(List.of("other.conf:40.1-3: unknown keyword"), c.diagnostics().lines());
        c = r.read("x.conf", "#  include <w.conf>\n");
        assertEquals(List.of("x.conf:1: invalid include statement"), c.diagnostics().lines());
        c = r.read(tmp.resolve("self.conf"));
        assertTrue(c.diagnostics().lines().get(0).endsWith(": Recursive inclusion"), c.diagnostics().lines().toString());
    }
}
