package org.inflow.act;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.inflow.rules.Template;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile names put into a shell command in every quoting context: bash must receive the
 * name's bytes unchanged, as data, and nothing in the name may run.
 */
class ShellQuoteContextTest {
    private static final byte[][] NAMES = {
        b("a b"), b("two  spaces"), b("tab\tx"), b("y;touch INJ4"), b("$(touch INJ5)"), b("`touch INJ6`"),
        b("z;touch${IFS}INJ7"), b("gt>INJ8"), b("#hash"), b("new\nline"), b("q'uote"), b("dq\"uote"),
        b("dollar$HOME"), b("brace{a,b}"), b("st*ar"), b("*"), b("amp&touch INJ9"), b("pipe|touch INJ10"),
        b("back\\slash"), b("'"), b("\""), b("\\"), b("'\"'\";touch INJ11;'"), b("-n"), b("${1}"), b("$1"),
        b("\\'"), b("')\"; touch INJ12 #"), b("trailing\n"), new byte[] {'x', (byte) 0xff, (byte) 0xc3, 'y'},
        b("~"), b("!!"), b("a\"$(touch INJ13)\"b"),
    };

    /** Command text around the field (before, after) and what printf's argument must be around the name. */
    private static final String[][] CONTEXTS = {
        {"printf '[%s]' ", "", "", ""},
        {"printf '[%s]' 'pre ", " post'", "pre ", " post"},
        {"printf '[%s]' \"pre ", " post\"", "pre ", " post"},
        {"printf '[%s]' \"$(printf '<%s>' ", ")\"", "<", ">"},
        {"printf '[%s]' \"`printf '<%s>' ", "`\"", "<", ">"},
        {"printf '[%s]' $'<'", "$'>'", "<", ">"},
        {"printf '[%s]' $'a\\'", "'", "a'", ""},
        {"printf '[%s]' 'a'\"", "\"'b'", "a", "b"},
        {"printf '[%s]' ${UNSET_VAR_X:-", "}", "", ""},
        {"printf '[%s]' \"${UNSET_VAR_X:-", "}\"", "", ""},
        {"x=$(printf '<%s>' ", "); printf '[%s]' \"$x\"", "<", ">"},
        {"printf '[%s]' \"$(echo \"$(printf '<%s>' ", ")\")\"", "<", ">"},
        {"printf '[%s]' $", "", "$", ""},
        {"printf '[%s]' \"$", "\"", "$", ""},
        {"printf '[%s]' \\", "", "", ""},
    };

    @Test
    void everyNameArrivesAsDataInEveryContext(@TempDir Path dir) throws Exception {
        for (String[] c : CONTEXTS) {
            Template t = Template.builder().text(c[0]).field(Template.Source.NAME).text(c[1]).build();
            byte[] script = RequestBuilder.script(t);
            for (byte[] name : NAMES) {
                if (c[0].contains("$(") || c[0].contains("`")) {
                    if (name.length > 0 && name[name.length - 1] == '\n') {
                        continue; // command substitution drops trailing newlines by definition
                    }
                }
                byte[] out = bash(dir, script, name);
                byte[] want = concat(b("["), b(c[2]), name, b(c[3]), b("]"));
                assertArrayEquals(want, out, () -> "script " + new String(script, StandardCharsets.ISO_8859_1)
                        + " name " + show(name) + " gave " + show(out));
            }
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.map(p -> p.getFileName().toString()).toList(), "a name ran as code");
        }
    }

    @Test
    void anEmptyUnquotedNameIsNoWordButAQuotedOneIsAnEmptyPart(@TempDir Path dir) throws Exception {
        Template t = Template.builder().text("printf '[%s]' A ").field(Template.Source.NAME)
                .text(" B '").field(Template.Source.NAME).text("' \"").field(Template.Source.NAME).text("\"").build();
        assertArrayEquals(b("[A][B][][]"), bash(dir, RequestBuilder.script(t), new byte[0], new byte[0], new byte[0]));
    }

    @Test
    void aCommentAndHashesInsideWordsAreFollowed(@TempDir Path dir) throws Exception {
        Template t = Template.builder().text("printf '[%s]' a#b ").field(Template.Source.NAME)
                .text(" # it's a comment '").field(Template.Source.NAME).text("\nprintf '(%s)' '")
                .field(Template.Source.NAME).text("'").build();
        byte[] name = b("n'; touch INJ #");
        assertArrayEquals(concat(b("[a#b]["), name, b("]("), name, b(")")),
                bash(dir, RequestBuilder.script(t), name, name, name));
    }

    /** Arithmetic evaluates "a[$(cmd)]": there only digits of a value may arrive. */
    @Test
    void arithmeticContextsTakeOnlyDigits(@TempDir Path dir) throws Exception {
        String[][] contexts = {
            {"printf '[%s]' $(( ", " + 1 ))", "[8]"},
            {"(( x = ", " + 1 )); printf '[%s]' \"$x\"", "[8]"},
            {"let \"y = ", " + 1\"; printf '[%s]' \"$y\"", "[8]"},
            {"let y=", "+1; printf '[%s]' \"$y\"", "[8]"},
            {"[[ ", " -eq 7 ]] && printf '[%s]' yes || printf '[%s]' no", "[yes]"},
            {"[[ \"", "\" -gt 6 ]] && printf '[%s]' yes || printf '[%s]' no", "[yes]"},
            {"a=(x x x x x x x x); a[", "]=z; printf '[%s]' \"${a[7]}\"", "[z]"},
            {"a=(x x x x x x x q); printf '[%s]' \"${a[", "]}\"", "[q]"},
            {"[[ ", " == 7 ]] && printf '[%s]' same || printf '[%s]' other", "[same]"},
        };
        byte[][] hostile = {b("a[$(touch INJA)]"), b("x[`touch INJB`]"), b("$(touch INJC)"), b("7;touch INJD")};
        for (String[] c : contexts) {
            Template t = Template.builder().text(c[0]).field(Template.Source.NAME).text(c[1]).build();
            byte[] script = RequestBuilder.script(t);
            assertArrayEquals(b(c[2]), bash(dir, script, b("7")),
                    () -> "script " + new String(script, StandardCharsets.ISO_8859_1));
            for (byte[] name : hostile) {
                bash(dir, script, name);
            }
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.map(p -> p.getFileName().toString()).toList(), "arithmetic ran a name as code");
        }
    }

    private static byte[] bash(Path dir, byte[] script, byte[]... values) throws IOException, InterruptedException {
        // Values go through a decoder script as \xHH escapes, so bytes arrive whatever the locale.
        List<String> hex = new ArrayList<>();
        hex.add("/bin/bash");
        hex.add("-c");
        hex.add("args=(); for h in \"$@\"; do args+=(\"$(printf \"$h\"; printf x)\"); "
                + "args[-1]=\"${args[-1]%x}\"; done; exec /bin/bash -c \"$S\" bash \"${args[@]}\"");
        hex.add("decoder");
        for (byte[] v : values) {
            StringBuilder h = new StringBuilder();
            for (byte x : v) {
                h.append(String.format("\\x%02x", x & 0xff));
            }
            hex.add(h.toString());
        }
        ProcessBuilder pb = new ProcessBuilder(hex).directory(dir.toFile());
        pb.environment().put("S", new String(script, StandardCharsets.ISO_8859_1));
        pb.environment().put("LC_ALL", "C");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        p.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        p.waitFor();
        return out.toByteArray();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    private static String show(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1).replace("\n", "\\n").replace("\t", "\\t");
    }
}
