package org.inflow.rules;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A POSIX regular expression searched in the input (as regexec does), through java.util.regex. */
final class RegexFilter extends PathFilter {
    private final String source;
    private final boolean extended;
    private final boolean ignoreCase;
    private final Pattern pattern;
    /** A Matcher is stateful; one per thread is reused instead of one per match. */
    private final ThreadLocal<Matcher> matchers;

    RegexFilter(String source, boolean extended, boolean ignoreCase) {
        this.source = source;
        this.extended = extended;
        this.ignoreCase = ignoreCase;
        this.pattern = PosixRegex.compile(source, extended, ignoreCase);
        this.matchers = ThreadLocal.withInitial(() -> pattern.matcher(""));
    }

    @Override
    boolean matches(byte[] b, int off, int len, MatchScratch scratch) {
        Matcher m = matchers.get();
        return m.reset(scratch.chars.wrap(b, off, len)).find();
    }

    /** The java.util.regex form, for diagnostics. */
    String javaPattern() {
        return pattern.pattern();
    }

    @Override
    public String toString() {
        return (extended ? "ere" : "bre") + (ignoreCase ? "i:" : ":") + source;
    }
}
