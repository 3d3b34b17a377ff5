package org.inflow.rules;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Rewrites a POSIX regular expression (basic or extended, with the GNU escapes regcomp accepts)
 * into java.util.regex syntax with the same meaning on a one-char-per-byte view of the input.
 * Where the two syntaxes disagree: bracket expressions (backslash literal, [:class:], no nesting
 * or '&&'), '$' (end of input only), stacked quantifiers ("a*+" is (a*)+, not possessive), BRE's
 * escaped operators and its context-dependent '*', '^', '$'.
 */
final class PosixRegex {
    /** RE_DUP_MAX of glibc. */
    private static final int DUP_MAX = 0x7fff;

    private final String p;
    private final boolean extended;
    private final StringBuilder out = new StringBuilder();
    /** Where each open group starts in out. */
    private final Deque<Integer> groups = new ArrayDeque<>();
    private int closedGroups;
    /** Where the last thing a quantifier may apply to starts in out; -1 when there is none. */
    private int atom = -1;
    private boolean quantified;
    /** At the start of a (sub)expression, where BRE takes '*' literally and '^' as an anchor. */
    private boolean atStart = true;
    private int i;

    private PosixRegex(String pattern, boolean extended) {
        this.p = pattern;
        this.extended = extended;
    }

    /** @param pattern one char per byte (see {@link Bytes#latin1View}) */
    static String toJava(String pattern, boolean extended) {
        return new PosixRegex(pattern, extended).convert();
    }

    static Pattern compile(String pattern, boolean extended, boolean ignoreCase) {
        String java = toJava(Bytes.latin1View(pattern), extended);
        // DOTALL: a POSIX '.' matches a newline; no UNICODE_CASE: only ASCII letters fold, as bytes.
        return Pattern.compile(java, Pattern.DOTALL | (ignoreCase ? Pattern.CASE_INSENSITIVE : 0));
    }

    private String convert() {
        while (i < p.length()) {
            char c = p.charAt(i++);
            if (extended) {
                extended(c);
            } else {
                basic(c);
            }
        }
        if (!groups.isEmpty()) {
            throw error(extended ? "unmatched (" : "unmatched \\(", p.length());
        }
        return out.toString();
    }

    private void extended(char c) {
        switch (c) {
            case '\\':
                escape(next("trailing backslash"));
                break;
            case '[':
                bracket();
                break;
            case '(':
                open();
                break;
            case ')':
                if (groups.isEmpty()) {
                    literal(c);
                } else {
                    close();
                }
                break;
            case '|':
                alternate();
                break;
            case '*':
            case '+':
            case '?':
                quantifier(String.valueOf(c));
                break;
            case '{':
                if (!interval("}")) {
                    literal(c);
                }
                break;
            case '^':
                anchor("^");
                break;
            case '$':
                anchor("\\z");
                break;
            case '.':
                atom(".");
                break;
            default:
                literal(c);
        }
    }

    private void basic(char c) {
        switch (c) {
            case '\\':
                basicEscape(next("trailing backslash"));
                break;
            case '[':
                bracket();
                break;
            case '*':
                if (atStart || atom < 0) {
                    literal(c);
                } else {
                    quantifier("*");
                }
                break;
            case '^':
                if (atStart) {
                    anchor("^");
                    atStart = true;
                } else {
                    literal(c);
                }
                break;
            case '$':
                if (i == p.length() || p.startsWith("\\)", i) || p.startsWith("\\|", i)) {
                    anchor("\\z");
                } else {
                    literal(c);
                }
                break;
            case '.':
                atom(".");
                break;
            default:
                literal(c);
        }
    }

    private void basicEscape(char c) {
        switch (c) {
            case '(':
                open();
                break;
            case ')':
                if (groups.isEmpty()) {
                    throw error("unmatched \\)", i - 2);
                }
                close();
                break;
            case '{':
                if (!interval("\\}")) {
                    throw error("invalid \\{\\} interval", i - 2);
                }
                break;
            case '|':
                alternate();
                break;
            case '+':
            case '?':
                if (atStart || atom < 0) {
                    literal(c);
                } else {
                    quantifier(String.valueOf(c));
                }
                break;
            default:
                escape(c);
        }
    }

    /** The escapes both syntaxes share (GNU): back-references, word operators, else a literal. */
    private void escape(char c) {
        if (c >= '1' && c <= '9') {
            if (c - '0' > closedGroups) {
                throw error("invalid back reference \\" + c, i - 2);
            }
            atom("\\" + c);
            return;
        }
        switch (c) {
            case '<':
                anchor("\\b(?=\\w)");
                break;
            case '>':
                anchor("\\b(?<=\\w)");
                break;
            case 'b':
            case 'B':
                anchor("\\" + c);
                break;
            case '`':
                anchor("\\A");
                break;
            case '\'':
                anchor("\\z");
                break;
            case 'w':
            case 'W':
            case 's':
            case 'S':
                atom("\\" + c);
                break;
            default:
                literal(c);
        }
    }

    private char next(String whatIfNone) {
        if (i >= p.length()) {
            throw error(whatIfNone, i - 1);
        }
        return p.charAt(i++);
    }

    private void open() {
        groups.push(out.length());
        out.append('(');
        atom = -1;
        quantified = false;
        atStart = true;
    }

    private void close() {
        int at = groups.pop();
        out.append(')');
        closedGroups++;
        atom = at;
        quantified = false;
        atStart = false;
    }

    private void alternate() {
        out.append('|');
        atom = -1;
        quantified = false;
        atStart = true;
    }

    private void anchor(String java) {
        out.append(java);
        atom = -1;
        quantified = false;
        atStart = false;
    }

    private void atom(String java) {
        atom = out.length();
        out.append(java);
        quantified = false;
        atStart = false;
    }

    private void literal(char c) {
        atom(escapeOutside(c));
    }

    private void quantifier(String q) {
        if (atom < 0) {
            throw error("nothing to repeat before '" + q + "'", i - 1);
        }
        if (quantified) {
            // POSIX applies a second quantifier to the repeated atom; Java would read a*+ as possessive.
            out.insert(atom, "(?:");
            out.append(')');
        }
        out.append(q);
        quantified = true;
        atStart = false;
    }

    /**
     * Reads "m}", "m,}", "m,n}" or ",n}" (closed by {@code end}) after the opening brace; false
     * (nothing consumed) when the text there is not an interval.
     */
    private boolean interval(String end) {
        int j = i;
        int min = 0;
        int max;
        int digits = 0;
        while (j < p.length() && Character.isDigit(p.charAt(j)) && digits < 6) {
            min = min * 10 + (p.charAt(j++) - '0');
            digits++;
        }
        boolean comma = j < p.length() && p.charAt(j) == ',';
        if (comma) {
            j++;
            int maxDigits = 0;
            max = 0;
            while (j < p.length() && Character.isDigit(p.charAt(j)) && maxDigits < 6) {
                max = max * 10 + (p.charAt(j++) - '0');
                maxDigits++;
            }
            if (maxDigits == 0) {
                max = -1;
            }
            if (digits == 0 && maxDigits == 0) {
                return false;
            }
        } else {
            if (digits == 0) {
                return false;
            }
            max = min;
        }
        if (!p.startsWith(end, j)) {
            return false;
        }
        if (min > DUP_MAX || max > DUP_MAX || (max >= 0 && max < min)) {
            throw error("invalid interval", i - 1);
        }
        i = j + end.length();
        quantifier("{" + min + (comma ? "," + (max >= 0 ? String.valueOf(max) : "") : "") + "}");
        return true;
    }

    /** A bracket expression; i is just past its '['. */
    private void bracket() {
        int start = i - 1;
        StringBuilder cls = new StringBuilder("[");
        if (i < p.length() && p.charAt(i) == '^') {
            cls.append('^');
            i++;
        }
        boolean first = true;
        while (true) {
            if (i >= p.length()) {
                throw error("unmatched [", start);
            }
            char c = p.charAt(i);
            if (c == ']' && !first) {
                i++;
                break;
            }
            first = false;
            if (c == '[' && i + 1 < p.length() && p.charAt(i + 1) == ':') {
                int close = p.indexOf(":]", i + 2);
                if (close < 0) {
                    throw error("unmatched [:", i);
                }
                String name = p.substring(i + 2, close);
                String java = PosixClass.javaName(name);
                if (java == null) {
                    throw error("invalid character class [:" + name + ":]", i);
                }
                cls.append(java);
                i = close + 2;
                continue;
            }
            int lo = element();
            if (i + 1 < p.length() && p.charAt(i) == '-' && p.charAt(i + 1) != ']') {
                i++;
                int hi = element();
                if (hi < lo) {
                    throw error("invalid range end", i - 1);
                }
                cls.append(escapeInClass(lo)).append('-').append(escapeInClass(hi));
            } else {
                cls.append(escapeInClass(lo));
            }
        }
        atom(cls.append(']').toString());
    }

    /** One character of a bracket expression, written plainly or as [.c.] or [=c=]. */
    private int element() {
        char c = p.charAt(i);
        if (c == '[' && i + 1 < p.length() && (p.charAt(i + 1) == '.' || p.charAt(i + 1) == '=')) {
            char kind = p.charAt(i + 1);
            int close = p.indexOf(new String(new char[] {kind, ']'}), i + 2);
            if (close < 0) {
                throw error("unmatched [" + kind, i);
            }
            if (close - (i + 2) != 1) {
                throw error("invalid collation character", i);
            }
            char only = p.charAt(i + 2);
            i = close + 2;
            return only;
        }
        i++;
        return c;
    }

    private static String escapeOutside(char c) {
        if ("\\^$.|?*+()[]{}".indexOf(c) >= 0) {
            return "\\" + c;
        }
        return c < 0x20 || c >= 0x7f ? hex(c) : String.valueOf(c);
    }

    private static String escapeInClass(int c) {
        boolean plain = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
        return plain ? String.valueOf((char) c) : hex(c);
    }

    private static String hex(int c) {
        return String.format("\\x%02x", c);
    }

    private PatternSyntaxException error(String what, int at) {
        return new PatternSyntaxException(what, p, at);
    }
}
