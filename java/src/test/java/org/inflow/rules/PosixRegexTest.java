package org.inflow.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.PatternSyntaxException;

import org.junit.jupiter.api.Test;

class PosixRegexTest {
    private static String ere(String p) {
        return PosixRegex.toJava(p, true);
    }

    private static String bre(String p) {
        return PosixRegex.toJava(p, false);
    }

    private static boolean ereFinds(String p, String input) {
        return PathFilter.extendedRegex(p, false).matches(input);
    }

    private static boolean breFinds(String p, String input) {
        return PathFilter.basicRegex(p, false).matches(input);
    }

    @Test
    void extendedKeepsWhatJavaReadsTheSameWay() {
        assertEquals("a(b|c)+d?", ere("a(b|c)+d?"));
        assertEquals("x{2,3}y{1}z{4,}", ere("x{2,3}y{1}z{4,}"));
        assertEquals("^a.c\\z", ere("^a.c$"));
        assertEquals("\\.txt\\z", ere("\\.txt$"));
    }

    @Test
    void extendedDollarIsTheEndOfInputOnly() {
        assertTrue(ereFinds("a$", "ba"));
        assertFalse(ereFinds("a$", "ba\n"));
        assertTrue(ereFinds("a.b", "a\nb"));
    }

    @Test
    void extendedBraceThatIsNoIntervalIsLiteral() {
        assertEquals("a\\{x\\}", ere("a{x}"));
        assertTrue(ereFinds("file{1", "file{1"));
        assertEquals("a{0,3}", ere("a{,3}"));
    }

    @Test
    void stackedQuantifiersRepeatTheRepetitionInsteadOfBeingPossessive() {
        assertEquals("(?:a*)+", ere("a*+"));
        assertTrue(ereFinds("^a*+a$", "aaa"));
        assertTrue(ereFinds("^a+*$", ""));
        assertEquals("(?:x+)?", ere("x+?"));
    }

    @Test
    void unmatchedCloseParenIsLiteralInExtended() {
        assertEquals("a\\)", ere("a)"));
        assertTrue(ereFinds("a)", "(a)"));
    }

    @Test
    void bracketExpressions() {
        assertEquals("[\\p{Alpha}\\x5f]+", ere("[[:alpha:]_]+"));
        assertTrue(ereFinds("^[[:digit:]]+$", "0123"));
        assertFalse(ereFinds("^[[:digit:]]+$", "01a3"));
        // ']' first is a member; backslash is a member, not an escape
        assertTrue(ereFinds("^[]a]+$", "]a]"));
        assertTrue(ereFinds("^[a\\]$", "\\"));
        assertTrue(ereFinds("^[^]a]$", "b"));
        assertFalse(ereFinds("^[^]a]$", "]"));
        // Java's nested classes and && mean nothing in POSIX
        assertTrue(ereFinds("^[a&&b]$", "&"));
        assertTrue(ereFinds("^[[a]$", "["));
        assertTrue(ereFinds("^[a-c-]+$", "b-a"));
        assertTrue(ereFinds("^[[.-.]x]$", "-"));
        assertTrue(ereFinds("^[[=e=]]$", "e"));
    }

    @Test
    void badExpressionsSayWhy() {
        assertThrows(PatternSyntaxException.class, () -> ere("[abc"));
        assertThrows(PatternSyntaxException.class, () -> ere("(ab"));
        assertThrows(PatternSyntaxException.class, () -> ere("*a"));
        assertThrows(PatternSyntaxException.class, () -> ere("[[:nope:]]"));
        assertThrows(PatternSyntaxException.class, () -> ere("[z-a]"));
        assertThrows(PatternSyntaxException.class, () -> ere("a{3,2}"));
        assertThrows(PatternSyntaxException.class, () -> ere("a\\"));
        assertThrows(PatternSyntaxException.class, () -> ere("(a)\\2"));
        PatternSyntaxException e = assertThrows(PatternSyntaxException.class, () -> bre("a\\)"));
        assertEquals(1, e.getIndex());
    }

    @Test
    void basicEscapedOperatorsAreOperators() {
        assertEquals("(ab)*", bre("\\(ab\\)*"));
        assertEquals("a{2}", bre("a\\{2\\}"));
        assertEquals("a{2,}", bre("a\\{2,\\}"));
        assertTrue(breFinds("^\\(ab\\)\\{2\\}$", "abab"));
        assertTrue(breFinds("^\\(a\\)\\1$", "aa"));
    }

    @Test
    void basicBareOperatorsAreLiterals() {
        assertEquals("\\(a\\)\\{1\\}\\|b\\+c\\?", bre("(a){1}|b+c?"));
        assertTrue(breFinds("^(a)$", "(a)"));
        assertFalse(breFinds("^(a)$", "a"));
        assertTrue(breFinds("a|b", "a|b"));
        assertFalse(breFinds("a|b", "a"));
        assertTrue(breFinds("^a+$", "a+"));
    }

    @Test
    void basicGnuEscapes() {
        assertTrue(breFinds("^a\\+$", "aaa"));
        assertTrue(breFinds("^ab\\?$", "a"));
        assertTrue(breFinds("^\\(x\\|y\\)$", "y"));
        assertTrue(breFinds("\\<word\\>", "a word here"));
        assertFalse(breFinds("\\<word\\>", "swordfish"));
    }

    @Test
    void basicStarAndAnchorsDependOnPlace() {
        assertEquals("\\*a", bre("*a"));
        assertEquals("^\\*", bre("^*"));
        assertEquals("(\\*)", bre("\\(*\\)"));
        assertEquals("a\\^b", bre("a^b"));
        assertEquals("a\\$b", bre("a$b"));
        assertEquals("(a\\z)", bre("\\(a$\\)"));
        assertTrue(breFinds("a^b$", "xa^b"));
        assertTrue(breFinds("^*x", "*x"));
    }

    @Test
    void ignoreCaseFoldsAsciiOnly() {
        PathFilter f = PathFilter.extendedRegex("^readme\\.md$", true);
        assertTrue(f.matches("README.MD"));
        // 0xC9 (É in Latin-1) is half of some UTF-8 character here, never a letter to fold
        assertFalse(PathFilter.extendedRegex("^\u00e9$", true).matches(new byte[] {(byte) 0xc3, (byte) 0x89}));
        assertTrue(PathFilter.extendedRegex("^\u00e9$", true).matches("\u00e9"));
    }

    @Test
    void nonUtf8NamesMatchBytewise() {
        byte[] name = {'x', (byte) 0xff, (byte) 0xfe, '.', 'l', 'o', 'g'};
        assertTrue(PathFilter.extendedRegex("^x..\\.log$", false).matches(name));
        assertTrue(PathFilter.extendedRegex("[^[:print:]]", false).matches(name));
        assertFalse(PathFilter.extendedRegex("^x.\\.log$", false).matches(name));
        // a NEL byte (0x85) is not a line end for '.' or '$'
        assertTrue(PathFilter.extendedRegex("^a.$", false).matches(new byte[] {'a', (byte) 0x85}));
        assertTrue(PathFilter.extendedRegex("^a$", false).matches(new byte[] {'a'}));
        assertFalse(PathFilter.extendedRegex("^a$", false).matches(new byte[] {'a', (byte) 0x85}));
    }

    @Test
    void utf8PatternsMatchUtf8NamesByteForByte() {
        assertTrue(PathFilter.extendedRegex("^caf\u00e9\\.txt$", false).matches("caf\u00e9.txt"));
        // one UTF-8 'é' is two bytes, so two dots
        assertTrue(PathFilter.extendedRegex("^caf..\\.txt$", false).matches("caf\u00e9.txt"));
    }
}
