package org.inflow.dialect.direvent;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;

import org.inflow.rules.Template;

/**
 * Turns command words and environ values into templates: `$file` becomes the job's name field,
 * the event macros ($sysev_code, $sysev_name, $genev_code, $genev_name) and $self_test_pid become
 * parts computed from the job's mask when it runs, and every other name expands to nothing, as in
 * 5.2 (the daemon's environment is not consulted).
 */
final class MacroCompiler {
    private final HandlerEvents events;
    private final IntSupplier selfTestPid;
    private final byte[] fixedName;

    /**
     * @param selfTestPid the self-test program's pid once known (0 before), or null without -T
     * @param fixedName what $file is for a watched regular file (its events carry no name), or null
     */
    MacroCompiler(HandlerEvents events, IntSupplier selfTestPid, byte[] fixedName) {
        this.events = events;
        this.selfTestPid = selfTestPid;
        this.fixedName = fixedName;
    }

    /** One argv element; null when 5.2 would drop the word (unquoted, and expands to nothing for sure). */
    Template word(CommandText.Word w) {
        Template.Builder b = Template.builder();
        boolean any = append(b, w.pieces);
        if (!any && !w.quoted) {
            return null;
        }
        return b.build();
    }

    /** An environ value: one string whatever it holds. */
    Template joined(CommandText.Word w) {
        Template.Builder b = Template.builder();
        append(b, w.pieces);
        return b.build();
    }

    /** @return whether anything (text or a job-dependent part) was appended */
    private boolean append(Template.Builder b, List<CommandText.Piece> pieces) {
        boolean any = false;
        for (CommandText.Piece p : pieces) {
            if (p instanceof CommandText.Lit) {
                String t = ((CommandText.Lit) p).text;
                if (!t.isEmpty()) {
                    b.text(bytes(t));
                    any = true;
                }
            } else {
                any |= var(b, (CommandText.Var) p);
            }
        }
        return any;
    }

    private boolean var(Template.Builder b, CommandText.Var v) {
        if (v.name.equals("file")) {
            // always defined and never empty
            if (v.op.endsWith("+")) {
                return append(b, v.word);
            }
            if (fixedName != null) {
                b.text(fixedName);
            } else {
                b.field(Template.Source.NAME);
            }
            return true;
        }
        IntFunction<String> value = dynamic(v.name);
        if (value == null) {
            // undefined for good
            if (v.op.endsWith("-") || v.op.endsWith("=")) {
                return append(b, v.word);
            }
            return false;
        }
        IntFunction<String> alt = text(v.word);
        String op = v.op;
        b.mask(mask -> apply(op, value.apply(mask), alt, mask));
        return true;
    }

    private IntFunction<String> dynamic(String name) {
        if (HandlerEvents.isEventMacro(name)) {
            return mask -> events.macro(name, mask);
        }
        if (name.equals("self_test_pid") && selfTestPid != null) {
            IntSupplier pid = selfTestPid;
            return mask -> Integer.toString(pid.getAsInt());
        }
        return null;
    }

    /** The alternative word of ${x:-word} as a function of the mask ($file inside it is not available there). */
    private IntFunction<String> text(List<CommandText.Piece> word) {
        List<IntFunction<String>> parts = new ArrayList<>();
        for (CommandText.Piece p : word) {
            if (p instanceof CommandText.Lit) {
                String t = ((CommandText.Lit) p).text;
                parts.add(m -> t);
            } else {
                CommandText.Var v = (CommandText.Var) p;
                IntFunction<String> value = dynamic(v.name);
                IntFunction<String> alt = text(v.word);
                parts.add(m -> apply(v.op, value == null ? null : value.apply(m), alt, m));
            }
        }
        return m -> {
            StringBuilder s = new StringBuilder();
            for (IntFunction<String> f : parts) {
                s.append(f.apply(m));
            }
            return s.toString();
        };
    }

    private static String apply(String op, String v, IntFunction<String> alt, int mask) {
        boolean set = v != null;
        boolean nonEmpty = set && !v.isEmpty();
        switch (op) {
            case ":-": case ":=":
                return nonEmpty ? v : alt.apply(mask);
            case "-": case "=":
                return set ? v : alt.apply(mask);
            case ":+":
                return nonEmpty ? alt.apply(mask) : "";
            case "+":
                return set ? alt.apply(mask) : "";
            default:
                return set ? v : "";
        }
    }

    static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }
}
