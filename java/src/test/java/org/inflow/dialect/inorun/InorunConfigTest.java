package org.inflow.dialect.inorun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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

class InorunConfigTest {
    @TempDir
    Path dir;

    private InorunConfig load(String text) throws PyConfigError {
        return InorunConfig.of(PyConfigReader.parse("r.py", text.getBytes(StandardCharsets.UTF_8)));
    }

    private String error(String text) {
        return assertThrows(PyConfigError.class, () -> load(text)).getMessage();
    }

    @Test
    void defaultsRunBinTrueForFiveEvents() throws Exception {
        InorunConfig c = load("wpath = '" + dir + "'\nrnodes = ['a', 'b']\n");
        assertEquals(1.0, c.edelay());
        assertNull(c.initevent());
        assertEquals(List.of("IN_CLOSE_WRITE", "IN_CREATE", "IN_DELETE", "IN_MOVED_FROM", "IN_MOVED_TO"),
                c.programs().stream().map(InorunConfig.Program::event).toList());
        List<Rule> rules = c.rules(RuleReporter.SILENT, false);
        assertEquals(10, rules.size()); // each event, each node
        ActionSpec.Argv argv = (ActionSpec.Argv) rules.get(0).action();
        assertEquals(4, argv.args().size()); // the program and exactly three arguments
    }

    @Test
    void emaskDictAndInitevent() throws Exception {
        InorunConfig c = load("wpath = '" + dir + "/'\nrnodes = ['n']\nemask = {\n  'IN_CREATE': '/bin/true',\n"
                + "  'IN_DELETE': '/bin/echo',\n}\nedelay = 0\ninitevent = 'IN_DELETE'\nlogfile = '/x'\n");
        assertEquals("/bin/echo", c.initevent().path());
        assertEquals(0x100, c.rules(RuleReporter.SILENT, false).get(0).mask());
    }

    @Test
    void checks() {
        String w = "wpath = '" + dir + "'\nrnodes = ['n']\n";
        assertEquals("r.py:3:1: emask must be a dict, not list", error(w + "emask = ['IN_CREATE']\n"));
        assertEquals("r.py:3:1: emask: the program for IN_CREATE 'true' is not an absolute path",
                error(w + "emask = {'IN_CREATE': 'true'}\n"));
        assertEquals("r.py:3:1: emask: the program for IN_CREATE '/tmp' is not an executable file",
                error(w + "emask = {'IN_CREATE': '/tmp'}\n"));
        assertEquals("r.py:4:1: initevent 'IN_DELETE' is not an event of emask",
                error(w + "emask = {'IN_CREATE': '/bin/true'}\ninitevent = 'IN_DELETE'\n"));
        assertEquals("r.py:2:1: rnodes must name at least one node", error("wpath = '" + dir + "'\nrnodes = ()\n"));
    }
}
