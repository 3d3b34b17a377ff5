package org.inflow.dialect.incron;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.inflow.rules.InotifyMask;

/**
 * An incrontab table read with incron 0.5.12's line model (path, mask, then the command as the
 * raw rest of the line after one blank) and the fixes incron lacks: `#` comment lines, `\ `
 * escapes in paths, CRLF line ends, no line-length limit, and a FILE:LINE message for every line
 * that is dropped or read oddly instead of silence.
 */
public final class IncronTable {
    private final String file;
    private final List<IncronEntry> entries;
    private final List<IncronProblem> problems;

    private IncronTable(String file, List<IncronEntry> entries, List<IncronProblem> problems) {
        this.file = file;
        this.entries = Collections.unmodifiableList(entries);
        this.problems = Collections.unmodifiableList(problems);
    }

    /** @param file how messages name the table (its path) */
    public static IncronTable parse(String file, byte[] text) {
        List<IncronEntry> entries = new ArrayList<>();
        List<IncronProblem> problems = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        int lineNo = 0;
        int start = 0;
        while (start < text.length) {
            int end = start;
            while (end < text.length && text[end] != '\n') {
                end++;
            }
            lineNo++;
            int stop = end;
            if (stop > start && text[stop - 1] == '\r') {
                stop--; // CRLF tables: the CR is not part of the command
            }
            parseLine(file, lineNo, Arrays.copyOfRange(text, start, stop), entries, problems, seen);
            start = end + 1;
        }
        return new IncronTable(file, entries, problems);
    }

    private static void parseLine(String file, int no, byte[] line, List<IncronEntry> entries,
                                  List<IncronProblem> problems, Map<String, Integer> seen) {
        int i = skipBlanks(line, 0);
        if (i == line.length) {
            return;
        }
        if (line[i] == '#') {
            return;
        }
        // path: up to the first unescaped blank; "\x" is x (so "\ " is a blank, "\\" a backslash)
        java.io.ByteArrayOutputStream path = new java.io.ByteArrayOutputStream();
        while (i < line.length && !blank(line[i])) {
            if (line[i] == '\\' && i + 1 < line.length) {
                i++;
            }
            path.write(line[i]);
            i++;
        }
        i = skipBlanks(line, i);
        int maskStart = i;
        while (i < line.length && !blank(line[i])) {
            i++;
        }
        String maskField = new String(line, maskStart, i - maskStart, StandardCharsets.ISO_8859_1);
        if (maskField.isEmpty()) {
            problems.add(new IncronProblem(file, no, IncronProblem.Severity.ERROR,
                    "too few fields (need PATH MASK COMMAND): line ignored"));
            return;
        }
        if (i == line.length) {
            problems.add(new IncronProblem(file, no, IncronProblem.Severity.ERROR,
                    "too few fields: no command after the mask '" + maskField + "': line ignored"));
            return;
        }
        byte[] command = Arrays.copyOfRange(line, i + 1, line.length); // after exactly one blank
        IncronMask.Parsed mask = IncronMask.parse(maskField);
        byte[] pathBytes = path.toByteArray();
        String shownPath = IncronCommand.show(pathBytes);
        if (mask.numeric && !mask.unknown.isEmpty()) {
            problems.add(new IncronProblem(file, no, IncronProblem.Severity.WARNING, "numeric mask '" + maskField
                    + "': the text after the number is ignored (options too), as incron does"));
        } else if (!mask.numeric) {
            for (String item : mask.unknown) {
                String why = item.isEmpty() ? "an empty item (a ',' too many)" : "unknown event name '" + item + "'";
                problems.add(new IncronProblem(file, no, IncronProblem.Severity.WARNING,
                        why + " in mask '" + maskField + "': ignored"));
            }
        }
        if (maskField.endsWith(",") && command.length > 0) {
            problems.add(new IncronProblem(file, no, IncronProblem.Severity.WARNING,
                    "mask '" + maskField + "' ends with ',': a blank ends the mask, so the rest of the line is the command"));
        }
        if ((mask.bits & ~(InotifyMask.IN_ONESHOT | InotifyMask.IN_DONT_FOLLOW | InotifyMask.IN_ONLYDIR
                | InotifyMask.IN_ISDIR)) == 0) {
            problems.add(new IncronProblem(file, no, IncronProblem.Severity.ERROR,
                    "mask '" + maskField + "' has no event in it: line ignored"));
            return;
        }
        if ((mask.bits & 0x30000000) == 0x30000000) {
            // IN_MASK_ADD | IN_MASK_CREATE (e.g. numeric -1): the kernel refuses the watch (EINVAL)
            problems.add(new IncronProblem(file, no, IncronProblem.Severity.ERROR, "mask '" + maskField
                    + "' has both IN_MASK_ADD and IN_MASK_CREATE, which inotify refuses (22) Invalid argument: line ignored"));
            return;
        }
        String key = normalise(shownPath);
        Integer first = seen.get(key);
        if (first != null) {
            problems.add(new IncronProblem(file, no, IncronProblem.Severity.ERROR,
                    "duplicate path " + shownPath + " (first at line " + first + ", which wins): line ignored"));
            return;
        }
        seen.put(key, no);
        List<String> dropped = IncronCommand.compile(command).droppedDollars;
        if (!dropped.isEmpty()) {
            problems.add(new IncronProblem(file, no, IncronProblem.Severity.NOTICE, String.join(" ", dropped)
                    + ": incron drops the '$' of anything but $$ $@ $# $% $& (write $$ for a '$' the shell sees)"));
        }
        entries.add(new IncronEntry(no, pathBytes, maskField, mask, command));
    }

    /** The same directory however spelled: trailing slashes, "//", "/./". */
    private static String normalise(String path) {
        String p = path.replaceAll("/+", "/").replaceAll("(/\\.)+(/|$)", "/");
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    private static boolean blank(byte b) {
        return b == ' ' || b == '\t';
    }

    private static int skipBlanks(byte[] line, int i) {
        while (i < line.length && blank(line[i])) {
            i++;
        }
        return i;
    }

    public String file() {
        return file;
    }

    public List<IncronEntry> entries() {
        return entries;
    }

    public List<IncronProblem> problems() {
        return problems;
    }

    /** True when incrontab should refuse the table: a line is dropped or read oddly. */
    public boolean hasErrors() {
        for (IncronProblem p : problems) {
            if (p.severity() != IncronProblem.Severity.NOTICE) {
                return true;
            }
        }
        return false;
    }
}
