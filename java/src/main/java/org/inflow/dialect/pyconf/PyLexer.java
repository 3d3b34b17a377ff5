package org.inflow.dialect.pyconf;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Splits a configuration file into Python tokens: names, numbers, strings (every quote form,
 * prefixes r/u/b, escapes), operators and the ends of logical lines. Newlines inside brackets and
 * after a backslash do not end a line; '#' starts a comment outside strings.
 */
final class PyLexer {
    enum Kind { NAME, NUMBER, STRING, OP, NEWLINE, END }

    static final class Token {
        final Kind kind;
        final String text;
        final Object value;
        final int line;
        final int column;

        Token(Kind kind, String text, Object value, int line, int column) {
            this.kind = kind;
            this.text = text;
            this.value = value;
            this.line = line;
            this.column = column;
        }

        boolean isOp(char c) {
            return kind == Kind.OP && text.length() == 1 && text.charAt(0) == c;
        }

        String describe() {
            switch (kind) {
                case NEWLINE:
                    return "end of line";
                case END:
                    return "end of file";
                case STRING:
                    return "string";
                default:
                    return "'" + text + "'";
            }
        }
    }

    private final String file;
    private final byte[] src;
    private int pos;
    private int line = 1;
    private int lineStart;
    private int depth;

    PyLexer(String file, byte[] src) {
        this.file = file;
        this.src = src;
        // A UTF-8 byte order mark is allowed before the first line, as Python allows it.
        if (src.length >= 3 && (src[0] & 0xff) == 0xef && (src[1] & 0xff) == 0xbb && (src[2] & 0xff) == 0xbf) {
            pos = 3;
            lineStart = 3;
        }
    }

    PyConfigError error(int atLine, int atColumn, String why) {
        return new PyConfigError(file, atLine, atColumn, why);
    }

    private int column(int at) {
        return at - lineStart + 1;
    }

    Token next() throws PyConfigError {
        while (true) {
            if (pos >= src.length) {
                return new Token(Kind.END, "", null, line, column(pos));
            }
            int c = src[pos] & 0xff;
            if (c == ' ' || c == '\t' || c == '\f' || c == '\r') {
                pos++;
            } else if (c == '#') {
                while (pos < src.length && src[pos] != '\n') {
                    pos++;
                }
            } else if (c == '\\' && (peek(1) == '\n' || peek(1) == '\r' && peek(2) == '\n')) {
                pos += peek(1) == '\n' ? 2 : 3;
                newLine();
            } else if (c == '\n') {
                int col = column(pos);
                pos++;
                int at = line;
                newLine();
                if (depth == 0) {
                    return new Token(Kind.NEWLINE, "\n", null, at, col);
                }
            } else {
                break;
            }
        }
        int start = pos;
        int c = src[pos] & 0xff;
        int col = column(pos);
        if (isNameStart(c)) {
            while (pos < src.length && isNamePart(src[pos] & 0xff)) {
                pos++;
            }
            String word = new String(src, start, pos - start, StandardCharsets.ISO_8859_1);
            if (pos < src.length && (src[pos] == '\'' || src[pos] == '"') && isStringPrefix(word)) {
                return string(word.toLowerCase(), line, col);
            }
            return new Token(Kind.NAME, word, null, line, col);
        }
        if (c == '\'' || c == '"') {
            return string("", line, col);
        }
        if (isDigit(c) || c == '.' && isDigit(peek(1))) {
            return number(line, col);
        }
        pos++;
        switch (c) {
            case '(':
            case '[':
            case '{':
                depth++;
                break;
            case ')':
            case ']':
            case '}':
                if (depth > 0) {
                    depth--;
                }
                break;
            default:
                break;
        }
        if ("=+-,:;()[]{}".indexOf(c) < 0) {
            // still a token, so the parser can say what it found; two-char operators read whole
            if (pos < src.length && "=<>*/".indexOf(src[pos]) >= 0 && "=<>!*/".indexOf(c) >= 0) {
                pos++;
            }
        }
        return new Token(Kind.OP, new String(src, start, pos - start, StandardCharsets.ISO_8859_1), null, line, col);
    }

    private void newLine() {
        line++;
        lineStart = pos;
    }

    private int peek(int ahead) {
        int at = pos + ahead;
        return at < src.length ? src[at] & 0xff : -1;
    }

    private static boolean isNameStart(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
    }

    private static boolean isNamePart(int c) {
        return isNameStart(c) || isDigit(c);
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isStringPrefix(String w) {
        switch (w.toLowerCase()) {
            case "r":
            case "u":
            case "b":
            case "ur":
            case "br":
            case "rb":
                return true;
            default:
                return false;
        }
    }

    private Token number(int atLine, int col) throws PyConfigError {
        int start = pos;
        while (pos < src.length && (isNamePart(src[pos] & 0xff) || src[pos] == '.'
                || (src[pos] == '+' || src[pos] == '-') && (src[pos - 1] == 'e' || src[pos - 1] == 'E')
                && !isHex(start))) {
            pos++;
        }
        String raw = new String(src, start, pos - start, StandardCharsets.ISO_8859_1);
        String s = raw.replace("_", "");
        try {
            String lower = s.toLowerCase();
            if (lower.endsWith("l")) {
                lower = lower.substring(0, lower.length() - 1); // Python 2 long
            }
            BigInteger big;
            if (lower.startsWith("0x")) {
                big = new BigInteger(lower.substring(2), 16);
            } else if (lower.startsWith("0o")) {
                big = new BigInteger(lower.substring(2), 8);
            } else if (lower.startsWith("0b")) {
                big = new BigInteger(lower.substring(2), 2);
            } else if (lower.matches("[0-9]+")) {
                // Python 2 reads 0755 as octal
                big = lower.length() > 1 && lower.charAt(0) == '0' ? new BigInteger(lower, 8) : new BigInteger(lower);
            } else if (lower.matches("([0-9]+\\.?[0-9]*|\\.[0-9]+)(e[+-]?[0-9]+)?")) {
                return new Token(Kind.NUMBER, raw, Double.parseDouble(lower), atLine, col);
            } else {
                throw new NumberFormatException();
            }
            if (big.bitLength() > 63) {
                throw error(atLine, col, "number too large: " + raw);
            }
            return new Token(Kind.NUMBER, raw, big.longValue(), atLine, col);
        } catch (NumberFormatException bad) {
            throw error(atLine, col, "not a number: " + raw);
        }
    }

    private boolean isHex(int start) {
        return pos - start >= 2 && src[start] == '0' && (src[start + 1] == 'x' || src[start + 1] == 'X');
    }

    private Token string(String prefix, int atLine, int col) throws PyConfigError {
        boolean raw = prefix.contains("r");
        boolean unicode = prefix.contains("u");
        int quote = src[pos];
        boolean triple = peek(1) == quote && peek(2) == quote;
        pos += triple ? 3 : 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            if (pos >= src.length) {
                throw error(atLine, col, triple ? "triple-quoted string not closed before the end of the file"
                        : "string not closed before the end of the line");
            }
            int c = src[pos] & 0xff;
            if (c == quote && (!triple || peek(1) == quote && peek(2) == quote)) {
                pos += triple ? 3 : 1;
                break;
            }
            if (c == '\n') {
                if (!triple) {
                    throw error(atLine, col, "string not closed before the end of the line");
                }
                out.write(c);
                pos++;
                newLine();
                continue;
            }
            if (c != '\\') {
                out.write(c);
                pos++;
                continue;
            }
            int e = peek(1);
            if (e < 0) {
                pos++;
                continue;
            }
            if (raw) {
                // a raw string keeps the backslash; it only stops the next char from closing it
                out.write('\\');
                out.write(e);
                pos += 2;
                if (e == '\n') {
                    newLine();
                }
                continue;
            }
            pos += 2;
            switch (e) {
                case '\n':
                    newLine();
                    break;
                case '\\':
                case '\'':
                case '"':
                    out.write(e);
                    break;
                case 'a':
                    out.write(7);
                    break;
                case 'b':
                    out.write(8);
                    break;
                case 'f':
                    out.write(12);
                    break;
                case 'n':
                    out.write('\n');
                    break;
                case 'r':
                    out.write('\r');
                    break;
                case 't':
                    out.write('\t');
                    break;
                case 'v':
                    out.write(11);
                    break;
                case 'x':
                    out.write(hex(2, atLine, col));
                    break;
                case 'u':
                case 'U':
                    if (unicode) {
                        int cp = hex(e == 'u' ? 4 : 8, atLine, col);
                        if (!Character.isValidCodePoint(cp)) {
                            throw error(atLine, col, "bad \\U escape in string");
                        }
                        out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                    } else {
                        out.write('\\');
                        out.write(e);
                    }
                    break;
                default:
                    if (e >= '0' && e <= '7') {
                        int v = e - '0';
                        for (int k = 0; k < 2 && pos < src.length && src[pos] >= '0' && src[pos] <= '7'; k++) {
                            v = v * 8 + (src[pos++] - '0');
                        }
                        if (unicode && v > 0x7f) {
                            out.writeBytes(new String(Character.toChars(v)).getBytes(StandardCharsets.UTF_8));
                        } else {
                            out.write(v & 0xff);
                        }
                    } else {
                        // Python keeps unknown escapes as they are
                        out.write('\\');
                        out.write(e);
                    }
                    break;
            }
        }
        return new Token(Kind.STRING, "string", new PyStr(out.toByteArray()), atLine, col);
    }

    private int hex(int digits, int atLine, int col) throws PyConfigError {
        int v = 0;
        for (int k = 0; k < digits; k++) {
            int d = pos < src.length ? Character.digit(src[pos], 16) : -1;
            if (d < 0) {
                throw error(atLine, col, "truncated \\x or \\u escape in string");
            }
            v = v * 16 + d;
            pos++;
        }
        return v;
    }
}
