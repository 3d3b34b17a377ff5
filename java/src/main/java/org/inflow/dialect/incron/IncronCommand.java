package org.inflow.dialect.incron;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.inflow.rules.Template;
import org.inflow.rules.InotifyMask;

/**
 * incron's command wildcards compiled into a template: `$@` the watched directory the event came
 * from, `$#` the name, `$%` the event names, `$&` the event number, `$$` a dollar; any other
 * `$X` is X and a final `$` vanishes, exactly as incron does. The names themselves are fields,
 * so the runner hands them to bash as data, whatever quotes surround them.
 */
public final class IncronCommand {
    private IncronCommand() {
    }

    /** The compiled command and the `$X` sequences incron turns into plain X. */
    public static final class Compiled {
        public final Template template;
        public final List<String> droppedDollars;

        Compiled(Template template, List<String> droppedDollars) {
            this.template = template;
            this.droppedDollars = droppedDollars;
        }
    }

    /** Without an entry mask: `$%`/`$&` show every bit of the event. */
    public static Compiled compile(byte[] command) {
        return compile(command, -1);
    }

    /**
     * @param entryMask the entry's event bits: `$%` and `$&` show only those (and the flags
     *                  IN_ISDIR, IN_Q_OVERFLOW), as incron's kernel watch would have reported,
     *                  even when one job carries more (a file found complete in a new directory)
     */
    public static Compiled compile(byte[] command, int entryMask) {
        return compile(command, entryMask, false);
    }

    /**
     * @param globEntry the entry's path has a '*': as in incron, whose matches are watched one by
     *                  one, `$@` is the matched file's path and `$#` is empty
     */
    public static Compiled compile(byte[] command, int entryMask, boolean globEntry) {
        int shown = entryMask | InotifyMask.IN_ISDIR | InotifyMask.IN_Q_OVERFLOW | InotifyMask.IN_UNMOUNT
                | InotifyMask.IN_IGNORED;
        Template.Builder t = Template.builder();
        List<String> dropped = new ArrayList<>();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        for (int i = 0; i < command.length; i++) {
            byte b = command[i];
            if (b != '$') {
                text.write(b);
                continue;
            }
            if (i + 1 == command.length) {
                break; // a final '$' is deleted
            }
            byte c = command[++i];
            switch (c) {
                case '$':
                    text.write('$');
                    break;
                case '@':
                    flush(t, text);
                    t.field(globEntry ? Template.Source.PATH : Template.Source.DIR);
                    break;
                case '#':
                    if (!globEntry) {
                        flush(t, text);
                        t.field(Template.Source.NAME);
                    }
                    break;
                case '%':
                    flush(t, text);
                    t.mask(m -> IncronMask.format(m & shown));
                    break;
                case '&':
                    flush(t, text);
                    t.mask(m -> decimal(m & shown));
                    break;
                default:
                    dropped.add("$" + (char) (c & 0xff));
                    text.write(c);
            }
        }
        flush(t, text);
        return new Compiled(t.build(), dropped);
    }

    /** The event mask as incron prints `$&`: unsigned decimal. */
    static String decimal(int mask) {
        return Integer.toUnsignedString(mask);
    }

    private static void flush(Template.Builder t, ByteArrayOutputStream text) {
        if (text.size() > 0) {
            t.text(text.toByteArray());
            text.reset();
        }
    }

    /** incron's escaping of `$@`/`$#` in log lines: a blank and a backslash get a backslash. */
    public static String escape(byte[] name) {
        String s = show(name);
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == ' ' || ch == '\\') {
                out.append('\\');
            }
            out.append(ch);
        }
        return out.toString();
    }

    /** Bytes for a message: UTF-8 where valid, U+FFFD elsewhere. */
    public static String show(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
