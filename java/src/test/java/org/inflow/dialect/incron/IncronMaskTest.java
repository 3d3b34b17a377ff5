package org.inflow.dialect.incron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** incron's `$%` formatting and mask parsing, with the values the spec observed. */
class IncronMaskTest {
    @Test
    void formatsAsIncronDoes() {
        assertEquals("IN_CREATE", IncronMask.format(256));
        assertEquals("IN_CREATE,IN_ISDIR", IncronMask.format(1073742080));
        assertEquals("IN_DELETE,IN_ISDIR", IncronMask.format(1073742336));
        assertEquals("IN_MOVED_FROM,IN_ISDIR", IncronMask.format(1073741888));
        assertEquals("IN_OPEN,IN_ISDIR", IncronMask.format(1073741856));
        assertEquals("IN_ACCESS,IN_ISDIR", IncronMask.format(1073741825));
        assertEquals("IN_CLOSE_NOWRITE,IN_ISDIR", IncronMask.format(1073741840));
        assertEquals("IN_MOVE_SELF", IncronMask.format(2048));
        assertEquals("IN_IGNORED", IncronMask.format(32768));
        assertEquals("IN_ALL_EVENTS", IncronMask.format(0xfff));
        assertEquals("IN_ATTRIB,IN_CLOSE_WRITE", IncronMask.format(12));
        assertEquals("IN_CLOSE,IN_CLOSE_WRITE,IN_CLOSE_NOWRITE", IncronMask.format(0x18));
        assertEquals("IN_MOVE", IncronMask.format(0xc0));
        assertEquals("IN_MOVE_SELF", IncronMask.format(0x800 | 0x8)); // incron loses the close bit
        assertEquals("IN_CREATE,IN_ONESHOT", IncronMask.format(0x80000100));
        assertEquals("4294967295".length(), IncronCommand.decimal(0xffffffff).length());
    }

    @Test
    void parsesNumbersAsPercentLu() {
        assertEquals(8, IncronMask.parse("8").bits);
        assertEquals(12, IncronMask.parse("12abc").bits);
        assertEquals(List.of("abc"), IncronMask.parse("12abc").unknown);
        assertEquals(0, IncronMask.parse("0x100").bits);
        assertEquals(0xffffffff, IncronMask.parse("-1").bits);
        IncronMask.Parsed p = IncronMask.parse("256,recursive=false");
        assertEquals(256, p.bits);
        assertTrue(p.recursive, "options after a number are ignored");
    }

    @Test
    void parsesNamesAndOptions() {
        IncronMask.Parsed p = IncronMask.parse("IN_CREATE,IN_BOGUS,IN_NO_LOOP,recursive=false,dotdirs=true");
        assertEquals(256, p.bits);
        assertEquals(List.of("IN_BOGUS"), p.unknown);
        assertTrue(p.noLoop);
        assertFalse(p.recursive);
        assertTrue(p.dotdirs);
        assertFalse(IncronMask.parse("IN_CREATE").noLoop, "no IN_NO_LOOP: runs overlap as in incron");
        assertFalse(IncronMask.parse("IN_NO_LOOP,loopable=true,IN_CREATE").noLoop);
        assertEquals(0, IncronMask.parse("in_create").bits);
        assertEquals(0, IncronMask.parse("IN_CREATE|IN_DELETE").bits);
        assertEquals(0x18 | 0x100, IncronMask.parse("IN_CLOSE,IN_CREATE").bits);
        assertEquals(List.of("recursive=true", "dotdirs=false"),
                IncronMask.parse("IN_CREATE,recursive=true,dotdirs=false").unknown);
    }
}
