package org.inflow.rules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class PathFilterTest {
    private static boolean glob(String pattern, String input) {
        return PathFilter.glob(pattern, false).matches(input);
    }

    @Test
    void globWildcards() {
        assertTrue(glob("*.c", "main.c"));
        assertTrue(glob("*.c", ".c"));
        assertFalse(glob("*.c", "main.h"));
        assertFalse(glob("*.c", "main.cc"));
        assertTrue(glob("a?c", "abc"));
        assertFalse(glob("a?c", "ac"));
        assertTrue(glob("*", ""));
        assertTrue(glob("", ""));
        assertFalse(glob("", "x"));
        assertTrue(glob("report-*.csv", "report-2024.csv"));
        assertTrue(glob("a*b*c", "aXbYbZc"));
        assertFalse(glob("a*b*c", "aXbYbZ"));
        assertTrue(glob("*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaab"));
        assertFalse(glob("*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
        assertTrue(glob("Makefile", "Makefile"));
        assertTrue(glob("log.*", "log.1"));
        assertFalse(glob("log.*", "log"));
    }

    @Test
    void globBrackets() {
        assertTrue(glob("[abc].txt", "b.txt"));
        assertFalse(glob("[abc].txt", "d.txt"));
        assertTrue(glob("[!abc].txt", "d.txt"));
        assertTrue(glob("[^abc].txt", "d.txt"));
        assertFalse(glob("[!abc].txt", "a.txt"));
        assertTrue(glob("file[0-9]", "file7"));
        assertFalse(glob("file[0-9]", "filex"));
        assertTrue(glob("[]x]", "]"));
        assertTrue(glob("[a-]", "-"));
        assertTrue(glob("[[:upper:]]*", "Readme"));
        assertFalse(glob("[[:upper:]]*", "readme"));
        assertTrue(glob("[\\]]", "]"));
        // no closing bracket: a literal '['
        assertTrue(glob("a[b", "a[b"));
        assertThrows(IllegalArgumentException.class, () -> PathFilter.glob("[[:nope:]]", false));
    }

    @Test
    void globEscapes() {
        assertTrue(glob("a\\*", "a*"));
        assertFalse(glob("a\\*", "ab"));
        assertTrue(glob("\\?", "?"));
    }

    @Test
    void globStarStopsAtSlashButDoubleStarCrossesIt() {
        assertFalse(glob("*.o", "build/x.o"));
        assertTrue(glob("*/*.o", "build/x.o"));
        assertFalse(glob("a?b", "a/b"));
        assertFalse(glob("a[!x]b", "a/b"));
        assertTrue(glob("**.o", "build/deep/x.o"));
        assertTrue(glob("**/node_modules", "a/b/node_modules"));
        assertTrue(glob("build/*", "build/x"));
        assertFalse(glob("build/*", "build/x/y"));
    }

    @Test
    void globIgnoringCase() {
        PathFilter f = PathFilter.glob("*.JPG", true);
        assertTrue(f.matches("photo.jpg"));
        assertTrue(f.matches("PHOTO.Jpg"));
        assertTrue(PathFilter.glob("[a-c]x", true).matches("BX"));
        assertTrue(PathFilter.glob("readme", true).matches("README"));
        assertFalse(PathFilter.glob("readme", false).matches("README"));
    }

    @Test
    void globOnBytesThatAreNotUtf8() {
        byte[] name = {(byte) 0xff, 'a', '.', 'c'};
        assertTrue(PathFilter.glob("*.c", false).matches(name));
        assertTrue(PathFilter.glob("?a.c", false).matches(name));
        assertTrue(PathFilter.glob(new byte[] {(byte) 0xff, '*'}, false).matches(name));
        assertFalse(PathFilter.glob("a*", false).matches(name));
        // a UTF-8 'é' is two bytes: two '?'
        assertTrue(glob("caf??", "caf\u00e9"));
        assertTrue(glob("caf\u00e9*", "caf\u00e9s"));
    }

    @Test
    void negationAndCombinations() {
        PathFilter c = PathFilter.glob("*.c", false);
        assertFalse(c.negate().matches("a.c"));
        assertTrue(c.negate().matches("a.h"));
        PathFilter sources = PathFilter.anyOf(c, PathFilter.glob("*.h", false));
        assertTrue(sources.matches("x.h"));
        PathFilter notTests = PathFilter.allOf(sources, PathFilter.glob("test_*", false).negate());
        assertTrue(notTests.matches("main.c"));
        assertFalse(notTests.matches("test_main.c"));
        assertFalse(PathFilter.anyOf().matches("x"));
        assertTrue(PathFilter.allOf().matches("x"));
    }

    @Test
    void simpleGlobsTellTheIndexTheirNames() {
        IndexKeys exact = PathFilter.glob("Makefile", false).indexKeys();
        assertEquals(1, exact.names.size());
        assertArrayEquals("Makefile".getBytes(StandardCharsets.US_ASCII), exact.names.get(0));
        IndexKeys ext = PathFilter.glob("*.tar.gz", false).indexKeys();
        assertArrayEquals("gz".getBytes(StandardCharsets.US_ASCII), ext.extensions.get(0));
        assertArrayEquals("csv".getBytes(StandardCharsets.US_ASCII),
                PathFilter.glob("report-[0-9]*.csv", false).indexKeys().extensions.get(0));
        assertNull(PathFilter.glob("*.[ch]", false).indexKeys());
        assertNull(PathFilter.glob("log.*", false).indexKeys());
        assertNull(PathFilter.glob("*.c", false).negate().indexKeys());
        assertNull(PathFilter.extendedRegex("\\.c$", false).indexKeys());
        IndexKeys both = PathFilter.anyOf(PathFilter.glob("*.c", false), PathFilter.glob("Makefile", false)).indexKeys();
        assertEquals(1, both.names.size());
        assertEquals(1, both.extensions.size());
        assertNull(PathFilter.anyOf(PathFilter.glob("*.c", false), PathFilter.glob("*", false)).indexKeys());
        assertEquals(1, PathFilter.allOf(PathFilter.glob("*", false), PathFilter.glob("*.c", false)).indexKeys()
                .extensions.size());
    }
}
