package org.inflow.dialect.inosync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.inflow.rules.PathFilter;

class RsyncExcludesTest {
    private static RsyncExcludes of(boolean copiesContents, String... patterns) {
        return RsyncExcludes.of(List.of(patterns), "/w/src".getBytes(StandardCharsets.UTF_8), copiesContents);
    }

    private static boolean watched(RsyncExcludes x, String dir) {
        return !PathFilter.extendedRegex(x.watches, false).matches(dir);
    }

    @Test
    void anchoredNamesMatchAtTheTransferRootOnly() {
        RsyncExcludes x = of(true, "/cache");
        assertTrue(x.events.matches("cache"));
        assertFalse(x.events.matches("sub/cache"));
        assertFalse(watched(x, "/w/src/cache"));
        assertTrue(watched(x, "/w/src/sub/cache"));
    }

    @Test
    void withoutTrailingSlashTheTransferStartsWithTheDirectorysName() {
        RsyncExcludes x = of(false, "/src/cache", "/other/x");
        assertTrue(x.events.matches("cache"));
        assertFalse(x.events.matches("x"));
        assertFalse(watched(x, "/w/src/cache"));
        assertTrue(watched(x, "/w/src/x"));
    }

    @Test
    void unanchoredPatternsMatchTheLastComponentOrThePathsEnd() {
        RsyncExcludes x = of(true, "*.tmp", "a/*/c", "build/", "logs/***");
        assertTrue(x.events.matches("x.tmp"));
        assertTrue(x.events.matches("d/x.tmp"));
        assertFalse(x.events.matches("x.tmpl"));
        assertTrue(x.events.matches("a/b/c"));
        assertTrue(x.events.matches("z/a/b/c"));
        assertFalse(x.events.matches("a/b/d/c"));
        assertFalse(x.events.matches("build")); // a file named build is copied; only the directory is not
        assertTrue(x.events.matches("build/o"));
        assertTrue(x.events.matches("p/build/o"));
        assertTrue(x.events.matches("logs"));
        assertFalse(watched(x, "/w/src/p/build"));
        assertFalse(watched(x, "/w/src/logs"));
        assertTrue(watched(x, "/w/src/p"));
    }

    @Test
    void wildcardsAndEscapes() {
        assertEquals("a\\.b", RsyncExcludes.globToEre("a.b"));
        assertEquals("x[^/]*y.*z[^/]", RsyncExcludes.globToEre("x*y**z?"));
        assertEquals("[^ab]\\*", RsyncExcludes.globToEre("[!ab]\\*"));
        assertEquals("a\\\\b", RsyncExcludes.globToEre("a\\b")); // no wildcard: the backslash is a character
        RsyncExcludes x = of(true, "**/deep", "- *.o", "+ keep.o");
        assertTrue(x.events.matches("a/b/deep"));
        assertTrue(x.events.matches("m.o"));
    }
}
