package org.inflow.dialect.inosync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.inflow.dialect.pyconf.PyConfigError;
import org.inflow.dialect.pyconf.PyConfigReader;
import org.inflow.rules.ActionSpec;
import org.inflow.rules.Rule;
import org.inflow.rules.RuleReporter;

class InosyncConfigTest {
    @TempDir
    Path dir;

    private InosyncConfig load(String text) throws PyConfigError {
        return InosyncConfig.of(PyConfigReader.parse("c.py", text.getBytes(StandardCharsets.UTF_8)));
    }

    private String error(String text) {
        return assertThrows(PyConfigError.class, () -> load(text)).getMessage();
    }

    @Test
    void defaults() throws Exception {
        InosyncConfig c = load("wpath = '" + dir + "/'\nrpath = '/r/'\nrnodes = ['h:' + rpath]\n");
        assertEquals(10.0, c.edelay());
        assertEquals("/usr/bin/rsync", c.rsync());
        assertEquals(List.of("-ltrp", "--delete"), c.rsyncOptions());
        Rule r = c.rule(RuleReporter.SILENT);
        assertEquals(0x8 | 0x100 | 0x200 | 0x40 | 0x80, r.mask());
        assertEquals(List.of("h:/r/"), ((ActionSpec.RsyncBatch) r.action()).targets().stream()
                .map(b -> new String(b, StandardCharsets.UTF_8)).toList());
        assertEquals(List.of(), c.warnings());
    }

    @Test
    void everyKey() throws Exception {
        InosyncConfig c = load("wpath = '" + dir + "'\nrnodes = ('/a/', '/b/')\nrexcludes = ['*.o']\nrspeed = 50\n"
                + "emask = ['IN_CLOSE_WRITE']\nedelay = 0.5\nrsync = '/bin/sh'\nlogfile = '/tmp/l'\nextra = 1\n");
        assertEquals(List.of("-ltrp", "--delete", "--bwlimit=50", "--log-file=/tmp/l", "--exclude=*.o"), c.rsyncOptions());
        assertEquals(0.5, c.edelay());
        assertEquals(0x8, c.rule(RuleReporter.SILENT).mask());
        assertEquals(List.of("c.py:9: unknown setting 'extra' is ignored"), c.warnings());
    }

    @Test
    void checks() {
        assertEquals("c.py:1:1: wpath is required but not set", error("rnodes = ['/a']\n"));
        assertEquals("c.py:2:1: rnodes must name at least one rsync destination",
                error("wpath = '" + dir + "'\nrnodes = []\n"));
        assertEquals("c.py:2:1: rnodes must hold only strings, not int 5",
                error("wpath = '" + dir + "'\nrnodes = [5]\n"));
        assertEquals("c.py:3:1: edelay must be zero or more, not -1",
                error("wpath = '" + dir + "'\nrnodes = ['/a']\nedelay = -1\n"));
        assertEquals("c.py:3:1: rsync '/nonexistent/rsync' does not exist",
                error("wpath = '" + dir + "'\nrnodes = ['/a']\nrsync = '/nonexistent/rsync'\n"));
        assertEquals("c.py:3:1: emask: unknown event \"IN_BOGUS\" (known: IN_ACCESS, IN_MODIFY, IN_ATTRIB,"
                + " IN_CLOSE_WRITE, IN_CLOSE_NOWRITE, IN_CLOSE, IN_OPEN, IN_MOVED_FROM, IN_MOVED_TO, IN_MOVE, IN_CREATE,"
                + " IN_DELETE, IN_DELETE_SELF, IN_MOVE_SELF, ALL_EVENTS, IN_ALL_EVENTS)",
                error("wpath = '" + dir + "'\nrnodes = ['/a']\nemask = ['IN_BOGUS']\n"));
        assertEquals("c.py:1:1: wpath '" + dir + "/nope' does not exist", error("wpath = '" + dir + "/nope'\nrnodes = ['/a']\n"));
    }
}
