package org.inflow.dialect.direvent;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages reading a configuration produced, in direvent's words and grecs' locus format.
 * Fatal ones (lexical, syntax, include) mean the file as a whole cannot be used; the others cost
 * only the statement they name.
 */
public final class Diagnostics {
    private final List<String> lines = new ArrayList<>();
    private boolean fatal;
    private int errors;
    private int warnings;

    void error(Locus at, String message) {
        errors++;
        lines.add(at + ": " + message);
    }

    void fatal(Locus at, String message) {
        fatal = true;
        error(at, message);
    }

    /** A pre-processor problem: FILE:LINE: message. */
    void fatal(String file, int line, String message) {
        fatal = true;
        errors++;
        lines.add(file + ":" + line + ": " + message);
    }

    /** A problem with no place in a file (the configuration cannot be read at all). */
    void fatal(String message) {
        fatal = true;
        errors++;
        lines.add(message);
    }

    void warning(Locus at, String message) {
        warnings++;
        lines.add(at + ": warning: " + message);
    }

    public boolean fatal() {
        return fatal;
    }

    public int errors() {
        return errors;
    }

    public int warnings() {
        return warnings;
    }

    /** Every message, in the order found; configuration text shown as the bytes it was. */
    public List<String> lines() {
        List<String> out = new ArrayList<>(lines.size());
        for (String l : lines) {
            out.add(text(l));
        }
        return out;
    }

    /** Configuration text is held one char per byte (ISO-8859-1); this turns it back into readable text. */
    static String text(String latin1) {
        return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
}
