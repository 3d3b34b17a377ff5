package org.inflow.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.inflow.rules.InotifyMask;
import org.inflow.rules.Template;

/**
 * `inflow watch … -- CMD ARGS…`: each argument becomes one argv element whose {path}, {dir},
 * {name} and {event} are filled per run. A name fills its element as bytes; nothing is ever
 * split or interpreted by a shell. Anything else in braces is kept as written.
 */
final class CommandTemplate {
    private CommandTemplate() {
    }

    static List<Template> parse(List<String> args) {
        List<Template> out = new ArrayList<>();
        for (String a : args) {
            out.add(parse(a));
        }
        return out;
    }

    static Template parse(String arg) {
        Template.Builder b = Template.builder();
        StringBuilder text = new StringBuilder();
        int i = 0;
        while (i < arg.length()) {
            int open = arg.indexOf('{', i);
            if (open < 0) {
                text.append(arg, i, arg.length());
                break;
            }
            int close = arg.indexOf('}', open);
            String word = close < 0 ? null : arg.substring(open + 1, close);
            Template.Source source = source(word);
            if (source == null && !"event".equals(word)) {
                text.append(arg, i, open + 1);
                i = open + 1;
                continue;
            }
            text.append(arg, i, open);
            if (text.length() > 0) {
                b.text(text.toString().getBytes(StandardCharsets.UTF_8));
                text.setLength(0);
            }
            if (source != null) {
                b.field(source);
            } else {
                b.mask(CommandTemplate::eventNames);
            }
            i = close + 1;
        }
        if (text.length() > 0) {
            b.text(text.toString().getBytes(StandardCharsets.UTF_8));
        }
        return b.build();
    }

    private static Template.Source source(String word) {
        if (word == null) {
            return null;
        }
        switch (word) {
            case "path": return Template.Source.PATH;
            case "dir": return Template.Source.DIR;
            case "name": return Template.Source.NAME;
            default: return null;
        }
    }

    /** The union of a run's events, named as inotifywait names them: CREATE,CLOSE_WRITE,… */
    static String eventNames(int mask) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < InotifyMask.nameCount(); i++) {
            String n = InotifyMask.name(mask, i);
            if (n != null) {
                if (s.length() > 0) {
                    s.append(',');
                }
                s.append(n);
            }
        }
        return s.toString();
    }
}
