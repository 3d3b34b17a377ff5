package org.inflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import org.junit.jupiter.api.Test;

class StrftimeTest {
    @Test
    void formatsLikeTheCLibrary() {
        ZonedDateTime t = ZonedDateTime.of(2026, 3, 5, 7, 8, 9, 0, ZoneOffset.ofHours(2));
        assertEquals("2026-03-05 07:08:09 +0200", new Strftime("%F %T %z").format(t));
        assertEquals("Thu Mar  5 07:08:09 2026", new Strftime("%c").format(t));
        assertEquals("05/03/26 %q 100%", new Strftime("%d/%m/%y %q 100%%").format(t));
    }
}
