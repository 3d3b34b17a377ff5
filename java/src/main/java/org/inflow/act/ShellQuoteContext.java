package org.inflow.act;

import java.util.Arrays;

/**
 * Follows a shell script's quoting as its text goes by, so a field's value can be referred to
 * ("${N}") in a way that is right where it stands: unquoted, inside '...', $'...', "...",
 * $(...), `...` or ${...}. The value itself never enters the script, so a file name cannot
 * become shell code in any of them; the program gets the name's bytes as one word (none if
 * an unquoted name is empty, as with a shell variable), and inside quotes as part of the quoted
 * word. This is a tracker for the quoting people write in commands, not a full shell parser:
 * here-documents and `case` patterns are not followed.
 */
final class ShellQuoteContext {
    private static final byte UNQUOTED = 0;
    private static final byte SINGLE = 1;
    private static final byte DOLLAR_SINGLE = 2;
    private static final byte DOUBLE = 3;
    private static final byte COMMAND_SUB = 4; // $( ... ), with a paren depth
    private static final byte BACKTICK = 5;
    private static final byte BRACE = 6; // ${ ... }
    private static final byte COMMENT = 7;

    private byte[] stack = new byte[8];
    private int[] parens = new int[8];
    private int depth;
    private boolean escaped;
    /** The previous byte outside quotes, to tell a '#' that starts a comment from one inside a word. */
    private int previous = '\n';
    /** The text so far ends with a '$' that would join the reference after it (as $$, $"..."). */
    private boolean danglingDollar;

    ShellQuoteContext() {
        stack[0] = UNQUOTED;
    }

    private byte top() {
        return stack[depth];
    }

    private void push(byte s) {
        if (++depth == stack.length) {
            stack = Arrays.copyOf(stack, depth * 2);
            parens = Arrays.copyOf(parens, depth * 2);
        }
        stack[depth] = s;
        parens[depth] = 0;
    }

    private void pop() {
        if (depth > 0) {
            depth--;
        }
    }

    /** Follows `n` bytes of literal script text. */
    void feed(byte[] text, int from, int n) {
        if (n > 0) {
            danglingDollar = false;
        }
        for (int i = from; i < from + n; i++) {
            int c = text[i] & 0xff;
            int next = i + 1 < from + n ? text[i + 1] & 0xff : -1;
            if (escaped) {
                escaped = false;
                previous = 'a';
                continue;
            }
            switch (top()) {
                case SINGLE:
                    if (c == '\'') {
                        pop();
                    }
                    break;
                case DOLLAR_SINGLE:
                    if (c == '\\') {
                        escaped = true;
                    } else if (c == '\'') {
                        pop();
                    }
                    break;
                case COMMENT:
                    if (c == '\n') {
                        pop();
                    }
                    break;
                case DOUBLE:
                    if (c == '\\') {
                        escaped = true;
                    } else if (c == '"') {
                        pop();
                    } else if (c == '`') {
                        push(BACKTICK);
                    } else if (c == '$' && next == -1) {
                        danglingDollar = true;
                    } else if (c == '$' && next == '(') {
                        push(COMMAND_SUB);
                        i++;
                    } else if (c == '$' && next == '{') {
                        push(BRACE);
                        i++;
                    }
                    break;
                default:
                    i = unquoted(text, i, c, next);
            }
        }
    }

    /** One byte in an unquoted context (top level, $(...), `...`, ${...}); returns the index consumed up to. */
    private int unquoted(byte[] text, int i, int c, int next) {
        byte s = top();
        boolean wordStart = previous == '\n' || previous == ' ' || previous == '\t' || previous == ';'
                || previous == '&' || previous == '|' || previous == '(' || previous == ')';
        previous = c;
        switch (c) {
            case '\\':
                escaped = true;
                return i;
            case '\'':
                push(SINGLE);
                return i;
            case '"':
                push(DOUBLE);
                return i;
            case '`':
                if (s == BACKTICK) {
                    pop();
                } else {
                    push(BACKTICK);
                }
                return i;
            case '#':
                if (wordStart && s != BRACE) {
                    push(COMMENT);
                }
                return i;
            case '$':
                if (next == -1) {
                    danglingDollar = true;
                    return i;
                }
                if (next == '\'') {
                    push(DOLLAR_SINGLE);
                    return i + 1;
                }
                if (next == '(') {
                    push(COMMAND_SUB);
                    previous = '(';
                    return i + 1;
                }
                if (next == '{') {
                    push(BRACE);
                    return i + 1;
                }
                return i;
            case '(':
                if (s == COMMAND_SUB) {
                    parens[depth]++;
                }
                return i;
            case ')':
                if (s == COMMAND_SUB) {
                    if (parens[depth] == 0) {
                        pop();
                    } else {
                        parens[depth]--;
                    }
                }
                return i;
            case '}':
                if (s == BRACE) {
                    pop();
                }
                return i;
            default:
                return i;
        }
    }

    /**
     * True when the text so far ends with a bare '$' that the reference would join: the caller
     * escapes it, so it stays a literal '$' before the value instead of naming a variable.
     */
    boolean danglingDollar() {
        return danglingDollar;
    }

    /**
     * True when the text so far ends with a backslash that would escape the reference's first
     * byte: the caller drops it (it could only have escaped a byte of the value, which is data).
     */
    boolean danglingBackslash() {
        return escaped;
    }

    /**
     * Script text that stands for positional parameter `n` here. Unquoted: `${n:+"${n}"}`, one
     * word, or none when empty. Inside '...' the quote is closed, the quoted reference put in,
     * and the quote reopened; inside "..." a bare reference.
     */
    String reference(int n) {
        escaped = false;
        danglingDollar = false;
        previous = 'a';
        switch (top()) {
            case SINGLE:
                return "'\"${" + n + "}\"'";
            case DOLLAR_SINGLE:
                return "'\"${" + n + "}\"$'";
            case DOUBLE:
            case COMMENT:
                return "${" + n + "}";
            default:
                return "${" + n + ":+\"${" + n + "}\"}";
        }
    }
}
