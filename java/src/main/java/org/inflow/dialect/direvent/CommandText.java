package org.inflow.dialect.direvent;

import java.util.ArrayList;
import java.util.List;

/**
 * direvent's expansion of a command (grecs wordsplit), read once at configuration time into words
 * of literal text and macro references. Quotes group and are removed, backslash escapes and C
 * escapes are processed, `$name`, `${name}` and `${name:-word}` (and :=, :+, -, +, ?) refer to
 * macros; `$0`, `$$` and any other `$` stay as written.
 * <p>
 * Deliberately unlike 5.2: the value of a macro is never split or re-read for quotes afterwards
 * (a file name is one argument whatever it holds), and an empty value at the end of a word does
 * not glue that word to the next one.
 */
final class CommandText {
    /** One piece of a word. */
    interface Piece {
    }

    static final class Lit implements Piece {
        final String text;

        Lit(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** A macro reference; op is "" (plain), ":-", "-", ":=", "=", ":+", "+", ":?" or "?". */
    static final class Var implements Piece {
        final String name;
        final String op;
        final List<Piece> word;

        Var(String name, String op, List<Piece> word) {
            this.name = name;
            this.op = op;
            this.word = word;
        }

        @Override
        public String toString() {
            return op.isEmpty() ? "${" + name + "}" : "${" + name + op + word + "}";
        }
    }

    /** A word: its pieces, and whether any part of it was quoted (a quoted word is never dropped). */
    static final class Word {
        final List<Piece> pieces = new ArrayList<>();
        boolean quoted;

        @Override
        public String toString() {
            return pieces.toString();
        }
    }

    static final class BadCommand extends Exception {
        private static final long serialVersionUID = 1L;

        BadCommand(String message) {
            super(message);
        }
    }

    private final String s;
    private final boolean split;
    private int i;

    private CommandText(String s, boolean split) {
        this.s = s;
        this.split = split;
    }

    /** The words of a command run without a shell. */
    static List<Word> words(String command) throws BadCommand {
        return new CommandText(command, true).all();
    }

    /**
     * The command (or an environ directive) as one string: nothing is split, every quote character
     * is removed and macros are expanded even between single quotes, as 5.2 does for `shell`.
     */
    static Word joined(String command) throws BadCommand {
        List<Word> w = new CommandText(command, false).all();
        return w.isEmpty() ? new Word() : w.get(0);
    }

    private List<Word> all() throws BadCommand {
        List<Word> out = new ArrayList<>();
        Word w = null;
        StringBuilder lit = new StringBuilder();
        while (i < s.length()) {
            char c = s.charAt(i);
            if (split && (c == ' ' || c == '\t' || c == '\n')) {
                i++;
                if (w != null) {
                    flush(w, lit);
                    out.add(w);
                    w = null;
                }
                continue;
            }
            if (w == null) {
                w = new Word();
            }
            if (c == '\'') {
                i++;
                w.quoted = true;
                int end = s.indexOf('\'', i);
                if (end < 0) {
                    throw new BadCommand("missing closing quote");
                }
                if (split) {
                    lit.append(s, i, end);
                    i = end + 1;
                } else {
                    // no split: macros are expanded even here
                    String inner = s.substring(i, end);
                    i = end + 1;
                    CommandText sub = new CommandText(inner, false);
                    sub.dollarsOnly(w, lit);
                }
            } else if (c == '"') {
                i++;
                w.quoted = true;
                doubleQuoted(w, lit);
            } else if (c == '\\' && i + 1 < s.length()) {
                lit.append(escape(s.charAt(i + 1), true));
                i += 2;
            } else if (c == '$') {
                dollar(w, lit);
            } else {
                lit.append(c);
                i++;
            }
        }
        if (w != null) {
            flush(w, lit);
            out.add(w);
        }
        return out;
    }

    private void doubleQuoted(Word w, StringBuilder lit) throws BadCommand {
        while (true) {
            if (i >= s.length()) {
                throw new BadCommand("missing closing quote");
            }
            char c = s.charAt(i);
            if (c == '"') {
                i++;
                return;
            }
            if (c == '\\' && i + 1 < s.length()) {
                lit.append(escape(s.charAt(i + 1), false));
                i += 2;
            } else if (c == '$') {
                dollar(w, lit);
            } else {
                lit.append(c);
                i++;
            }
        }
    }

    /** Text between single quotes in no-split mode: only `$` is special. */
    private void dollarsOnly(Word w, StringBuilder lit) throws BadCommand {
        while (i < s.length()) {
            if (s.charAt(i) == '$') {
                dollar(w, lit);
            } else {
                lit.append(s.charAt(i++));
            }
        }
    }

    private static String escape(char e, boolean outside) {
        switch (e) {
            case 'a': return "\u0007";
            case 'b': return "\b";
            case 'f': return "\f";
            case 'n': return "\n";
            case 'r': return "\r";
            case 't': return "\t";
            case 'v': return "\u000b";
            case '\\': case '"': case '$': case '\'': case ' ':
                return String.valueOf(e);
            default:
                return outside ? String.valueOf(e) : "\\" + e;
        }
    }

    private void dollar(Word w, StringBuilder lit) throws BadCommand {
        int start = i;
        i++;
        if (i < s.length() && s.charAt(i) == '{') {
            int close = matchingBrace(i);
            if (close < 0) {
                throw new BadCommand("missing closing brace");
            }
            String body = s.substring(i + 1, close);
            i = close + 1;
            int n = 0;
            while (n < body.length() && isNameChar(body.charAt(n), n == 0)) {
                n++;
            }
            if (n == 0) {
                lit.append(s, start, i); // not a name: left as written
                return;
            }
            String name = body.substring(0, n);
            String rest = body.substring(n);
            String op = "";
            String word = "";
            if (!rest.isEmpty()) {
                int opLen = rest.startsWith(":") ? 2 : 1;
                if (rest.length() < opLen || "-=+?".indexOf(rest.charAt(opLen - 1)) < 0) {
                    throw new BadCommand("bad substitution");
                }
                op = rest.substring(0, opLen);
                word = rest.substring(opLen);
            }
            flush(w, lit);
            w.pieces.add(new Var(name, op, word.isEmpty() ? List.of() : joined(word).pieces));
            return;
        }
        int n = i;
        while (n < s.length() && isNameChar(s.charAt(n), n == i)) {
            n++;
        }
        if (n == i) {
            lit.append('$'); // $0, $$, a lone $: left as written
            return;
        }
        flush(w, lit);
        w.pieces.add(new Var(s.substring(i, n), "", List.of()));
        i = n;
    }

    private int matchingBrace(int open) {
        int depth = 0;
        for (int k = open; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return k;
            }
        }
        return -1;
    }

    private static boolean isNameChar(char c, boolean first) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (!first && c >= '0' && c <= '9');
    }

    private static void flush(Word w, StringBuilder lit) {
        if (lit.length() > 0) {
            w.pieces.add(new Lit(lit.toString()));
            lit.setLength(0);
        }
    }
}
