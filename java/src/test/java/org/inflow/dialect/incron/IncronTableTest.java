package org.inflow.dialect.incron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.inflow.rules.Template;
import org.junit.jupiter.api.Test;

/** The 0.5.12 line model with comments, escapes, CRLF, no length limit and FILE:LINE problems. */
class IncronTableTest {
    private static IncronTable parse(String text) {
        return IncronTable.parse("/t", text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> problems(IncronTable t) {
        List<String> out = new ArrayList<>();
        t.problems().forEach(p -> out.add(p.toString()));
        return out;
    }

    @Test
    void lineModel() {
        IncronTable t = parse("  /a\t \tIN_CREATE  cmd  with  blanks \n/b 8 \n/c\\ d IN_DELETE x\r\n");
        assertEquals(3, t.entries().size(), problems(t).toString());
        IncronEntry a = t.entries().get(0);
        assertEquals("/a", new String(a.path(), StandardCharsets.UTF_8));
        assertEquals(" cmd  with  blanks ", new String(a.command(), StandardCharsets.UTF_8));
        assertEquals(0, t.entries().get(1).command().length, "a trailing blank gives an empty command");
        assertEquals("/c d", new String(t.entries().get(2).path(), StandardCharsets.UTF_8));
        assertEquals("x", new String(t.entries().get(2).command(), StandardCharsets.UTF_8));
        assertFalse(t.hasErrors());
    }

    @Test
    void commentsAndProblemsAreNamedByLine() {
        IncronTable t = parse("# a comment with words\n   #x\n/p IN_CREATE\n/p in_create x\n/p IN_CREATE ok\n"
                + "/p/ IN_DELETE dup\n/q IN_CREATE, IN_DELETE cmd\n\n" + "/r IN_CREATE " + "y".repeat(5000) + "\n");
        assertEquals(3, t.entries().size());
        List<String> p = problems(t);
        assertTrue(p.get(0).startsWith("/t:3: too few fields"), p.toString());
        assertTrue(p.get(1).startsWith("/t:4: unknown event name 'in_create'"), p.toString());
        assertTrue(p.get(2).startsWith("/t:4: mask 'in_create' has no event"), p.toString());
        assertTrue(p.get(3).startsWith("/t:6: duplicate path /p/ (first at line 5"), p.toString());
        assertTrue(p.get(4).startsWith("/t:7: an empty item") || p.get(4).startsWith("/t:7: mask 'IN_CREATE,' ends"),
                p.toString());
        assertEquals("IN_DELETE cmd", new String(t.entries().get(1).command(), StandardCharsets.UTF_8));
        assertEquals(5000, t.entries().get(2).command().length);
        assertTrue(t.hasErrors());
    }

    @Test
    void minusOneIsRefusedAsTheKernelDoes() {
        IncronTable t = parse("/a -1 cmd\n");
        assertEquals(0, t.entries().size());
        assertTrue(problems(t).get(problems(t).size() - 1).contains("(22) Invalid argument"), problems(t).toString());
    }

    @Test
    void wildcardsCompileToFields() {
        IncronCommand.Compiled c = IncronCommand.compile("a $@ $# $% $& $$ $HOME ${X} 100$".getBytes(StandardCharsets.UTF_8));
        List<Template.Part> parts = c.template.parts();
        assertEquals("a ", text(parts.get(0)));
        assertEquals(Template.Source.DIR, ((Template.Field) parts.get(1)).source());
        assertEquals(Template.Source.NAME, ((Template.Field) parts.get(3)).source());
        assertEquals("IN_CREATE,IN_ISDIR", ((Template.Mask) parts.get(5)).render(0x40000100));
        assertEquals("256", ((Template.Mask) parts.get(7)).render(256));
        assertEquals(" $ HOME {X} 100", text(parts.get(8)));
        assertEquals(List.of("$H", "${"), c.droppedDollars);
        assertArrayEquals(new byte[] {'x'}, ((Template.Text) IncronCommand.compile(new byte[] {'x', '$'})
                .template.parts().get(0)).bytes());
    }

    private static String text(Template.Part p) {
        return new String(((Template.Text) p).bytes(), StandardCharsets.UTF_8);
    }
}
