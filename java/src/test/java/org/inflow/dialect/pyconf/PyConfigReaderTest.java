package org.inflow.dialect.pyconf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PyConfigReaderTest {
    private static PyConfig parse(String text) throws PyConfigError {
        return PyConfigReader.parse("t.py", text.getBytes(StandardCharsets.UTF_8));
    }

    private static PyConfigError fails(String text) {
        return assertThrows(PyConfigError.class, () -> parse(text));
    }

    private static String str(PyConfig c, String name) {
        return ((PyStr) c.get(name)).text();
    }

    @Test
    void readsTheInosyncSampleShape() throws Exception {
        PyConfig c = parse("# watched\nwpath = \"/var/www/\"\n\n# common remote path\nrpath = '/var/www/'\n"
                + "rnodes = [\n\t\"a.mirror.com:\" + rpath,\n\t\"b.mirror.com:\" + rpath,\n]\n"
                + "#rspeed = 0\nedelay = 10\nemask = [\"IN_CREATE\", # comment\n \"IN_DELETE\"]\n");
        assertEquals("/var/www/", str(c, "wpath"));
        List<?> nodes = (List<?>) c.get("rnodes");
        assertEquals(List.of(PyStr.of("a.mirror.com:/var/www/"), PyStr.of("b.mirror.com:/var/www/")), nodes);
        assertEquals(10L, c.get("edelay"));
        assertEquals(List.of(PyStr.of("IN_CREATE"), PyStr.of("IN_DELETE")), c.get("emask"));
        assertEquals(5, c.assignment("rpath").line());
        assertEquals(List.of("wpath", "rpath", "rnodes", "edelay", "emask"), List.copyOf(c.assignments().keySet()));
    }

    @Test
    void dictsTuplesAndScalars() throws Exception {
        PyConfig c = parse("emask = {\n 'IN_CLOSE_WRITE': '/bin/a',\n \"IN_DELETE\" : \"/bin/b\",\n}\n"
                + "t = (1, 2.5, -3, True, False, None,)\none = (4)\nempty = ()\nx = 0x1f; y = 0755; z = 1e3\n"
                + "big = 10L\n");
        Map<?, ?> m = (Map<?, ?>) c.get("emask");
        assertEquals(List.of(PyStr.of("IN_CLOSE_WRITE"), PyStr.of("IN_DELETE")), List.copyOf(m.keySet()));
        assertEquals(PyStr.of("/bin/b"), m.get(PyStr.of("IN_DELETE")));
        List<?> t = (List<?>) c.get("t");
        assertEquals(List.of(1L, 2.5, -3L, true, false), t.subList(0, 5));
        assertSame(PyConfig.NONE, t.get(5));
        assertEquals("tuple", PyConfig.typeName(t));
        assertEquals(4L, c.get("one"));
        assertEquals(0, ((List<?>) c.get("empty")).size());
        assertEquals(31L, c.get("x"));
        assertEquals(493L, c.get("y"));
        assertEquals(1000.0, c.get("z"));
        assertEquals(10L, c.get("big"));
    }

    @Test
    void everyQuoteFormAndEscape() throws Exception {
        PyConfig c = parse("a = 'it\\'s' \"\\\"q\\\"\" '''tri\nple''' \"\"\"x\"y\"\"\"\n"
                + "b = r'C:\\dir\\n' + R\"\\\"\"\n"
                + "c = '\\t\\n\\\\\\x41\\101\\q'\n"
                + "d = u'\\u00e9' 'caf\\xc3\\xa9'\n"
                + "e = 'one \\\ntwo'\n"
                + "f = 'a#b' # not a comment inside\n"
                + "g = \\\n  'continued'\n");
        assertEquals("it's\"q\"tri\nplex\"y", str(c, "a"));
        assertEquals("C:\\dir\\n\\\"", str(c, "b"));
        assertEquals("\t\n\\AA\\q", str(c, "c"));
        assertEquals("\u00e9caf\u00e9", str(c, "d"));
        assertEquals("one two", str(c, "e"));
        assertEquals("a#b", str(c, "f"));
        assertEquals("continued", str(c, "g"));
    }

    @Test
    void bytesThatAreNotUtf8StayBytes() throws Exception {
        PyConfig c = PyConfigReader.parse("t.py", new byte[] {'p', '=', '\'', (byte) 0xff, '\\', 'x', 'f', 'e', '\''});
        assertArrayEquals(new byte[] {(byte) 0xff, (byte) 0xfe}, ((PyStr) c.get("p")).bytes());
    }

    @Test
    void laterAssignmentWins() throws Exception {
        PyConfig c = parse("a = 1\nb = 'x'\na = 2\n");
        assertEquals(2L, c.get("a"));
        assertEquals(3, c.assignment("a").line());
    }

    @Test
    void anythingElseIsAnErrorWithLineAndColumn() {
        PyConfigError e = fails("a = 1\nimport os\n");
        assertEquals(2, e.line());
        assertEquals(1, e.column());
        assertTrue(e.getMessage().startsWith("t.py:2:1: "), e.getMessage());
        assertTrue(e.getMessage().contains("only assignments of literals are supported"), e.getMessage());

        e = fails("wpath = os.getcwd()\n");
        assertEquals(1, e.line());
        assertEquals(11, e.column());

        e = fails("x = 1\nwpath = get('x')\n");
        assertEquals("t.py:2:9: found a call of 'get': only assignments of literals are supported", e.getMessage());

        e = fails("if True:\n  a = 1\n");
        assertEquals(1, e.column());

        e = fails("a = b + 'x'\n");
        assertTrue(e.getMessage().contains("'b' is not assigned earlier"), e.getMessage());

        e = fails("a = 'open\n");
        assertEquals("t.py:1:5: string not closed before the end of the line", e.getMessage());

        e = fails("a = [1, 2\nb = 3\n");
        assertEquals(2, e.line());

        e = fails("a = 'x' + 1\n");
        assertTrue(e.getMessage().contains("cannot add str and int"), e.getMessage());

        e = fails("a = 1 2\n");
        assertEquals(7, e.column());

        e = fails("def f():\n  pass\n");
        assertEquals(1, e.line());

        e = fails("a = [x for x in y]\n");
        assertEquals(1, e.line());

        e = fails("a = lambda: 1\n");
        assertEquals(5, e.column());
    }
}
