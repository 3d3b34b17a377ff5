package org.inflow.dialect.inosync;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.inflow.rules.PathFilter;

/**
 * rsync exclude patterns as inflow filters, so that what rsync would not copy neither triggers a
 * sync nor is watched. rsync's rules: a leading '/' anchors the pattern at the transfer root
 * (which is the watched directory's parent when the source has no trailing slash); a trailing
 * '/' matches directories only; a pattern with a '/' inside or a '**' is matched against the
 * whole path's end, one without against the last component; '*' and '?' stop at '/', '**' does
 * not; "dir/***" is the directory and all below it. A backslash escapes only where the pattern
 * has a wildcard.
 */
final class RsyncExcludes {
    /** Over the path relative to the watched root, tried on each of its leading parts. */
    final PathFilter events;
    /** Over a directory's full path: directories it matches are not watched (null: none). */
    final String watches;

    private RsyncExcludes(PathFilter events, String watches) {
        this.events = events;
        this.watches = watches;
    }

    /**
     * @param root the watched directory, without trailing slash
     * @param copiesContents the source ends with '/' (the transfer root is the directory itself)
     */
    static RsyncExcludes of(List<String> patterns, byte[] root, boolean copiesContents) {
        List<PathFilter> events = new ArrayList<>();
        List<String> watches = new ArrayList<>();
        String rootText = new String(root, StandardCharsets.UTF_8);
        String baseName = rootText.substring(rootText.lastIndexOf('/') + 1);
        for (String raw : patterns) {
            String p = raw;
            if (p.startsWith("+ ")) {
                continue; // an include: rsync sees it, it excludes nothing here
            }
            if (p.startsWith("- ")) {
                p = p.substring(2);
            }
            boolean dirOnly = false;
            if (p.endsWith("/***")) {
                p = p.substring(0, p.length() - 4);
            } else if (p.endsWith("/") && p.length() > 1) {
                dirOnly = true;
                p = p.substring(0, p.length() - 1);
            }
            boolean anchored = p.startsWith("/");
            if (anchored) {
                p = p.substring(1);
                if (!copiesContents) {
                    // names in the transfer start with the watched directory's own name
                    int slash = p.indexOf('/');
                    String first = slash < 0 ? p : p.substring(0, slash);
                    if (!Pattern.compile(toJavaRegex(first)).matcher(baseName).matches() || slash < 0) {
                        continue; // outside the tree, or the whole tree: nothing below to filter
                    }
                    p = p.substring(slash + 1);
                }
            }
            if (p.isEmpty()) {
                continue;
            }
            String core = globToEre(p);
            String lead = anchored ? "^" : "(^|/)";
            events.add(PathFilter.extendedRegex(lead + core + (dirOnly ? "/" : "$"), false));
            String rootEre = rootText.equals("/") ? "" : escape(rootText);
            watches.add("^" + rootEre + "/" + (anchored ? "" : "(.*/)?") + core + "$");
        }
        return new RsyncExcludes(events.isEmpty() ? null : PathFilter.anyOf(events),
                watches.isEmpty() ? null : "(" + String.join(")|(", watches) + ")");
    }

    /** An rsync wildcard pattern as a POSIX ERE body (no anchors). */
    static String globToEre(String p) {
        boolean wild = p.indexOf('*') >= 0 || p.indexOf('?') >= 0 || p.indexOf('[') >= 0;
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (!wild) {
                out.append(escape(String.valueOf(c)));
                continue;
            }
            switch (c) {
                case '*':
                    if (i + 1 < p.length() && p.charAt(i + 1) == '*') {
                        out.append(".*");
                        while (i + 1 < p.length() && p.charAt(i + 1) == '*') {
                            i++;
                        }
                    } else {
                        out.append("[^/]*");
                    }
                    break;
                case '?':
                    out.append("[^/]");
                    break;
                case '\\':
                    if (i + 1 < p.length()) {
                        out.append(escape(String.valueOf(p.charAt(++i))));
                    } else {
                        out.append("\\\\");
                    }
                    break;
                case '[': {
                    int end = classEnd(p, i);
                    if (end < 0) {
                        out.append("\\[");
                        break;
                    }
                    String body = p.substring(i + 1, end);
                    if (body.startsWith("!")) {
                        body = "^" + body.substring(1);
                    }
                    out.append('[').append(body).append(']');
                    i = end;
                    break;
                }
                default:
                    out.append(escape(String.valueOf(c)));
                    break;
            }
        }
        return out.toString();
    }

    private static int classEnd(String p, int open) {
        int i = open + 1;
        if (i < p.length() && (p.charAt(i) == '!' || p.charAt(i) == '^')) {
            i++;
        }
        if (i < p.length() && p.charAt(i) == ']') {
            i++;
        }
        while (i < p.length() && p.charAt(i) != ']') {
            i++;
        }
        return i < p.length() ? i : -1;
    }

    private static String escape(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (".[]()*+?{}|^$\\".indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /** One path component's pattern as a Java regex, to test it against the watched directory's name. */
    private static String toJavaRegex(String component) {
        return globToEre(component);
    }
}
