package org.inflow.act;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes a shell script from literal text and fields, following the script's quoting as it
 * goes, so each field's value can be referred to ("${N}") in the way that is right where it
 * stands: unquoted, inside '...', $'...', "...", $(...), `...` or ${...}. The value itself never
 * enters the script, so a file name cannot become shell code in any of them; the program gets
 * the name's bytes as one word (none if an unquoted name is empty, as with a shell variable),
 * and inside quotes as part of the quoted word.
 *
 * <p>Where bash evaluates a value as arithmetic — $((...)), ((...)), let, an array subscript,
 * and [[ ... ]] with -eq/-ne/-lt/-le/-gt/-ge — evaluation itself can run code hidden in a name
 * ("a[$(cmd)]"), so there only the value's digits are used. This follows the quoting people
 * write in commands; it is not a full shell parser: here-documents and `case` patterns are not
 * followed (a field there is still only data).
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
    private static final byte ARITH = 8; // $(( ... )) and (( ... )), with a paren depth
    private static final byte LET = 9; // the arguments of `let`, to the end of the command
    private static final byte SUBSCRIPT = 10; // [ ... ] after an array name
    private static final byte COND = 11; // [[ ... ]]

    private static final Pattern ARITH_TEST = Pattern.compile("(^|[ \\t\\n])-(eq|ne|lt|le|gt|ge)([ \\t\\n]|$)");

    private final StringBuilder out = new StringBuilder();
    private byte[] stack = new byte[8];
    private int[] parens = new int[8];
    private int depth;
    private boolean escaped;
    /** The previous byte outside quotes, to tell where a word starts. */
    private int previous = '\n';
    /** Bytes of the current unquoted word so far (an array name before '['; `let`). */
    private final StringBuilder word = new StringBuilder();
    /** The text and the references of the innermost [[ ... ]], to decide at its end. */
    private int condStart = -1;
    private final List<int[]> condRefs = new ArrayList<>();

    ShellQuoteContext() {
        stack[0] = UNQUOTED;
    }

    /** The script so far, as bytes (ISO-8859-1 carries every byte through the builder). */
    byte[] script() {
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
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
        word.setLength(0);
    }

    private void pop() {
        if (depth > 0) {
            depth--;
        }
        word.setLength(0);
    }

    private boolean inside(byte s) {
        for (int i = depth; i > 0; i--) {
            if (stack[i] == s) {
                return true;
            }
        }
        return false;
    }

    /** Appends literal script text. */
    void text(byte[] text) {
        for (int i = 0; i < text.length; i++) {
            int c = text[i] & 0xff;
            int next = i + 1 < text.length ? text[i + 1] & 0xff : -1;
            int next2 = i + 2 < text.length ? text[i + 2] & 0xff : -1;
            out.append((char) c);
            if (escaped) {
                escaped = false;
                previous = 'a';
                word.append('a');
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
                    } else if (c == '$') {
                        i = dollar(text, i, next, next2);
                    }
                    break;
                default:
                    i = unquoted(text, i, c, next, next2);
            }
        }
    }

    /** After a '$' that is not quoted by '...': $((, $(, ${, $' open contexts. */
    private int dollar(byte[] text, int i, int next, int next2) {
        if (next == '(' && next2 == '(') {
            out.append("((");
            push(ARITH);
            return i + 2;
        }
        if (next == '(') {
            out.append('(');
            push(COMMAND_SUB);
            previous = '(';
            return i + 1;
        }
        if (next == '{') {
            out.append('{');
            push(BRACE);
            return i + 1;
        }
        if (next == '\'' && top() != DOUBLE) {
            out.append('\'');
            push(DOLLAR_SINGLE);
            return i + 1;
        }
        return i;
    }

    private static boolean separator(int c) {
        return c == '\n' || c == ' ' || c == '\t' || c == ';' || c == '&' || c == '|' || c == '(' || c == ')';
    }

    /** One byte in an unquoted context; returns the index consumed up to. */
    private int unquoted(byte[] text, int i, int c, int next, int next2) {
        byte s = top();
        boolean wordStart = separator(previous);
        previous = c;
        if (s == LET && (c == '\n' || c == ';' || c == '&' || c == '|' || c == ')')) {
            pop(); // the end of the let command; the byte is read again in the context below
            previous = '\n';
            out.setLength(out.length() - 1);
            return i - 1;
        }
        if (s == COND && c == ']' && next == ']' && wordStart) {
            out.append(']');
            endCond();
            pop();
            return i + 1;
        }
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
                if (wordStart && s != BRACE && s != ARITH && s != SUBSCRIPT) {
                    push(COMMENT);
                }
                return i;
            case '$':
                return dollar(text, i, next, next2);
            case '(':
                if (wordStart && next == '(' && s != ARITH) {
                    out.append('(');
                    push(ARITH);
                    return i + 1;
                }
                if (s == COMMAND_SUB || s == ARITH) {
                    parens[depth]++;
                }
                return i;
            case ')':
                if (s == ARITH && parens[depth] == 0 && next == ')') {
                    out.append(')');
                    pop();
                    return i + 1;
                }
                if (s == COMMAND_SUB || s == ARITH) {
                    if (parens[depth] == 0) {
                        pop();
                    } else {
                        parens[depth]--;
                    }
                }
                return i;
            case '[':
                if (wordStart && next == '[' && (next2 == ' ' || next2 == '\t' || next2 == '\n')) {
                    out.append('[');
                    push(COND);
                    condStart = out.length();
                    condRefs.clear();
                    previous = '[';
                    return i + 1;
                }
                if (word.length() > 0 && word.toString().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    push(SUBSCRIPT); // name[...]: an array subscript is arithmetic
                }
                return i;
            case ']':
                if (s == SUBSCRIPT) {
                    pop();
                }
                return i;
            case '}':
                if (s == BRACE) {
                    pop();
                }
                return i;
            default:
                if (separator(c)) {
                    if (word.toString().equals("let") && (c == ' ' || c == '\t')) {
                        push(LET);
                    }
                    word.setLength(0);
                } else {
                    if (wordStart) {
                        word.setLength(0);
                    }
                    word.append((char) c);
                }
                return i;
        }
    }

    /** At "]]": references inside become digits-only if the test compares numbers. */
    private void endCond() {
        String cond = out.substring(condStart, out.length() - 2);
        if (ARITH_TEST.matcher(cond).find()) {
            for (int k = condRefs.size() - 1; k >= 0; k--) {
                int[] r = condRefs.get(k);
                String old = out.substring(r[0], r[1]);
                out.replace(r[0], r[1], digitsOnly(old, r[2]));
            }
        }
        condRefs.clear();
        condStart = -1;
    }

    private static String digitsOnly(String reference, int n) {
        return reference.replace("${" + n + "}", "${" + n + "//[!0-9]/}");
    }

    /**
     * Appends the reference to positional parameter `n`. Unquoted: `${n:+"${n}"}`, one word, or
     * none when empty. Inside '...' the quote is closed, the quoted reference put in, and the
     * quote reopened; inside "..." a bare reference.
     */
    void field(int n) {
        if (escaped) {
            // a backslash right before the field would escape the reference's first byte; it
            // could only have escaped a byte of the value, which is data anyway
            out.setLength(out.length() - 1);
            escaped = false;
        } else if (out.length() > 0 && out.charAt(out.length() - 1) == '$' && danglingDollarContext()) {
            // "$" + value would name a variable ($$ is bash's pid): keep the dollar literal
            out.insert(out.length() - 1, '\\');
        }
        String ref;
        switch (top()) {
            case SINGLE:
                ref = "'\"${" + n + "}\"'";
                break;
            case DOLLAR_SINGLE:
                ref = "'\"${" + n + "}\"$'";
                break;
            case DOUBLE:
            case COMMENT:
                ref = "${" + n + "}";
                break;
            default:
                ref = "${" + n + ":+\"${" + n + "}\"}";
        }
        if (inside(ARITH) || inside(LET) || inside(SUBSCRIPT) || top() == ARITH || top() == LET || top() == SUBSCRIPT) {
            ref = digitsOnly(ref, n);
        }
        int start = out.length();
        out.append(ref);
        if (condStart >= 0) {
            condRefs.add(new int[] {start, out.length(), n});
        }
        previous = 'a';
        word.append('a');
    }

    /** A trailing '$' in a context where it would join the reference ('...' keeps it literal). */
    private boolean danglingDollarContext() {
        byte s = top();
        if (s == SINGLE || s == DOLLAR_SINGLE || s == COMMENT) {
            return false;
        }
        // an escaped "\$" is literal already
        return !(out.length() > 1 && out.charAt(out.length() - 2) == '\\');
    }
}
