package org.inflow.dialect.direvent;

import java.util.ArrayList;
import java.util.List;

import org.inflow.rules.Template;

/**
 * A command with `option (shell)`: 5.2 expands the macros into the text, removes every quote and
 * runs `/bin/sh -c TEXT`. Here the text is the same except that each job-dependent value (the
 * file name, an event macro) is a positional parameter of the shell, referred to in whatever
 * quoting the script has at that point, so a file name is never read as shell code.
 */
final class ShellScript {
    static final String SHELL = "/bin/sh";

    private ShellScript() {
    }

    /** argv: /bin/sh -c SCRIPT /bin/sh VALUE... */
    static List<Template> argv(CommandText.Word command, MacroCompiler macros) {
        StringBuilder script = new StringBuilder();
        List<Template> values = new ArrayList<>();
        Quoting q = new Quoting();
        for (CommandText.Piece p : command.pieces) {
            if (p instanceof CommandText.Lit) {
                String t = ((CommandText.Lit) p).text;
                script.append(t);
                q.scan(t);
                continue;
            }
            CommandText.Word one = new CommandText.Word();
            one.pieces.add(p);
            Template t = macros.joined(one);
            if (t.isConstant()) {
                String text = constantText(t);
                script.append(text);
                q.scan(text);
                continue;
            }
            values.add(t);
            String ref = "${" + values.size() + "}";
            switch (q.state) {
                case IN_DOUBLE:
                    script.append(ref);
                    break;
                case IN_SINGLE:
                    script.append("'\"").append(ref).append("\"'");
                    break;
                default:
                    script.append('"').append(ref).append('"');
            }
        }
        List<Template> argv = new ArrayList<>();
        argv.add(Template.of(SHELL));
        argv.add(Template.of("-c"));
        argv.add(Template.of(MacroCompiler.bytes(script.toString())));
        argv.add(Template.of(SHELL));
        argv.addAll(values);
        return argv;
    }

    private static String constantText(Template t) {
        StringBuilder s = new StringBuilder();
        for (Template.Part part : t.parts()) {
            s.append(new String(((Template.Text) part).bytes(), java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        return s.toString();
    }

    /** Where the shell is in its quoting after the text so far. */
    private static final class Quoting {
        enum State { OUTSIDE, IN_SINGLE, IN_DOUBLE }

        State state = State.OUTSIDE;
        boolean escaped;

        void scan(String t) {
            for (int i = 0; i < t.length(); i++) {
                char c = t.charAt(i);
                if (escaped) {
                    escaped = false;
                    continue;
                }
                switch (state) {
                    case OUTSIDE:
                        if (c == '\\') {
                            escaped = true;
                        } else if (c == '\'') {
                            state = State.IN_SINGLE;
                        } else if (c == '"') {
                            state = State.IN_DOUBLE;
                        }
                        break;
                    case IN_SINGLE:
                        if (c == '\'') {
                            state = State.OUTSIDE;
                        }
                        break;
                    default:
                        if (c == '\\') {
                            escaped = true;
                        } else if (c == '"') {
                            state = State.OUTSIDE;
                        }
                }
            }
        }
    }
}
