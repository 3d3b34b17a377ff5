package org.inflow.dialect.direvent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

/** direvent's word splitting of a command, read at configuration time. */
class CommandTextTest {
    private static String words(String command) throws Exception {
        return CommandText.words(command).toString();
    }

    @Test
    void quotesEscapesAndMacros() throws Exception {
        assertEquals("[[a], [b c], [d$file], [${file}, x], [\t], [$0], [$$]]", words("a \"b c\" 'd$file' ${file}x \\t $0 $$"));
        assertEquals("[[p, ${genev_name:-[def]}]]", words("p${genev_name:-def}"));
        assertEquals("[[x, ${file}, y]]", words("\"x$file\"y"));
        assertThrows(CommandText.BadCommand.class, () -> words("a 'b"));
    }

    @Test
    void withoutSplittingQuotesGoAndMacrosExpandEverywhere() throws Exception {
        assertEquals(List.of("printf ", "${file}", " x y ", "${file}").toString(),
                CommandText.joined("printf \"$file\" 'x y' '$file'").pieces.toString());
    }
}
